-- The register of reception facilities (ref_facilities), each with its latest
-- capacity report: the most recent report date in staging, the latest file where a
-- municipality and a ministry reported the same date. Type and municipality are the
-- latest report's where a facility has one, the register's otherwise. The one rule
-- behind dim_facility and the snapshot snap_facilities.

with

facilities as (

    select * from {{ ref('ref_facilities') }}

),

capacity_reports as (

    select * from {{ ref('stg_submissions__reception_capacity') }}

),

countries as (

    select * from {{ ref('ref_countries') }}

),

latest_reports as (

    {{ latest_report(
        'capacity_reports', partition_by=['facility_id'],
        order_by=['report_date desc', 'batch_id desc'],
    ) }}

),

final as (

    select
        cast(facilities.facility_id as text) as facility_id,
        cast(facilities.facility_name as text) as facility_name,
        cast(
            coalesce(latest_reports.facility_type, facilities.facility_type) as text
        ) as facility_type,
        cast(
            coalesce(latest_reports.municipality_lau_code, facilities.municipality_lau_code)
            as text
        ) as municipality_lau_code,
        cast(countries.iso3 as text) as country_key,
        cast(latest_reports.capacity_beds as integer) as capacity_beds,
        cast(latest_reports.report_date as date) as capacity_report_date,
        cast(latest_reports.reporting_level as text) as capacity_reporting_level,
        cast(latest_reports.batch_id as bigint) as capacity_batch_id
    from facilities
    inner join countries
        on facilities.country_code = countries.iso2
    left join latest_reports
        on facilities.facility_id = latest_reports.facility_id

)

select * from final
