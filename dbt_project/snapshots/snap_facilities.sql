{#-
    The history of each reception facility's capacity, type and municipality: a new
    version whenever the latest staged report changes one of them (strategy check).
    The current version has `dbt_valid_to` null. Same rule as dim_facility: the most
    recent report date, the latest file where two scopes reported the same date; the
    register's type and municipality where a facility has not reported.
-#}
{% snapshot snap_facilities %}

{{
    config(
        unique_key='facility_id',
        strategy='check',
        check_cols=['capacity_beds', 'facility_type', 'municipality_lau_code'],
    )
}}

with

facilities as (

    select * from {{ ref('ref_facilities') }}

),

capacity_reports as (

    select * from {{ ref('stg_submissions__reception_capacity') }}

),

latest_reports as (

    select * from (
        select
            *,
            row_number() over (
                partition by facility_id
                order by report_date desc, batch_id desc
            ) as report_rank
        from capacity_reports
    ) as ranked
    where report_rank = 1

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
        cast(latest_reports.capacity_beds as integer) as capacity_beds,
        cast(latest_reports.report_date as date) as capacity_report_date,
        cast(latest_reports.batch_id as bigint) as capacity_batch_id
    from facilities
    left join latest_reports
        on facilities.facility_id = latest_reports.facility_id

)

select * from final

{% endsnapshot %}
