-- Beds and persons accommodated per reception facility, day and reporting level,
-- from the reception capacity files municipalities and ministries submit. The
-- occupancy rate is a metric of the marts (macro occupancy_rate), not stored here.

{#- Incremental: only new or revised rows are written. Before they go in, the rows
    of superseded or withdrawn files are dropped (a pre-hook, not a post-hook, so that
    a key such a file carried gets, in the same run, the row staging now chooses). #}
{{
    config(
        materialized='incremental',
        unique_key='fact_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook=(
            "{% if is_incremental() %}{{ delete_rows_of_withdrawn_batches() }}{% endif %}"
        ),
    )
}}

with

capacity as (

    select * from {{ ref('stg_submissions__reception_capacity') }}

),

municipalities as (

    select * from {{ ref('ref_municipalities') }}

),

countries as (

    select * from {{ ref('ref_countries') }}

),

located as (

    -- The facility's municipality as reported, and its country (iso3).
    select
        capacity.*,
        countries.iso3 as country_key
    from capacity
    inner join municipalities
        on capacity.municipality_lau_code = municipalities.lau_code
    inner join countries
        on municipalities.country_code = countries.iso2

),

final as (

    select
        ---------- key: facility x day x reporting level (and submitting scope)
        cast(
            {{ surrogate_key([
                'facility_id', 'report_date', 'reporting_level', 'submitted_for_municipality'
            ]) }} as text
        ) as fact_key,
        cast(facility_id as text) as facility_id,
        cast(municipality_lau_code as text) as geography_key,
        cast(country_key as text) as country_key,

        ---------- period: one day
        cast(report_date as date) as period_start,
        cast(report_date as date) as period_end,
        cast('day' as text) as period_grain,

        ---------- who reported
        cast(reporting_level as text) as reporting_level,
        cast(submitted_for_municipality as text) as submitted_for_municipality,

        ---------- measures
        cast(capacity_beds as integer) as capacity_beds,
        cast(occupied_beds as integer) as occupied_beds,
        cast(persons_female_0_17 as integer) as persons_female_0_17,
        cast(persons_female_18_59 as integer) as persons_female_18_59,
        cast(persons_female_60_plus as integer) as persons_female_60_plus,
        cast(persons_male_0_17 as integer) as persons_male_0_17,
        cast(persons_male_18_59 as integer) as persons_male_18_59,
        cast(persons_male_60_plus as integer) as persons_male_60_plus,

        ---------- provenance
        cast('submissions__reception_capacity' as text) as source_dataset_key,
        cast(batch_id as bigint) as batch_id

    from located

)

{{ new_or_revised_rows('final') }}
