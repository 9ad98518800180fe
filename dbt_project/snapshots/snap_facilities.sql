{#-
    The history of each reception facility's capacity, type and municipality: a new
    version whenever the latest staged report changes one of them (strategy check).
    The current version has `dbt_valid_to` null. Same rule as dim_facility
    (int_facilities_reported).
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

    select * from {{ ref('int_facilities_reported') }}

),

final as (

    select
        facility_id,
        facility_name,
        facility_type,
        municipality_lau_code,
        capacity_beds,
        capacity_report_date,
        capacity_batch_id
    from facilities

)

select * from final

{% endsnapshot %}
