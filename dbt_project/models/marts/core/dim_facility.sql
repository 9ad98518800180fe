-- One row per reception facility of the register (ref_facilities), with its latest
-- reported capacity (int_facilities_reported says which report that is).
-- snapshots/snap_facilities.sql keeps the history of these attributes.

with

facilities as (

    select * from {{ ref('int_facilities_reported') }}

),

final as (

    select
        facility_id,
        facility_name,
        facility_type,
        municipality_lau_code,
        country_key,
        capacity_beds,
        capacity_report_date,
        capacity_reporting_level,
        capacity_batch_id
    from facilities

)

select * from final
