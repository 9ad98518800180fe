-- People in need, people reached and the capacity gap per municipality, period,
-- humanitarian sector and reporting level, from the needs assessments
-- municipalities and ministries submit.

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

needs as (

    select * from {{ ref('stg_submissions__needs_assessment') }}

),

municipalities as (

    select * from {{ ref('ref_municipalities') }}

),

countries as (

    select * from {{ ref('ref_countries') }}

),

located as (

    select
        needs.*,
        countries.iso3 as country_key
    from needs
    inner join municipalities
        on needs.municipality_lau_code = municipalities.lau_code
    inner join countries
        on municipalities.country_code = countries.iso2

),

final as (

    select
        ---------- key: municipality x period x sector x reporting level (and scope)
        cast(
            {{ surrogate_key([
                'municipality_lau_code', 'period_start', 'period_end', 'sector',
                'reporting_level', 'submitted_for_municipality'
            ]) }} as text
        ) as fact_key,
        cast(municipality_lau_code as text) as geography_key,
        cast(country_key as text) as country_key,

        ---------- period
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast({{ period_grain('period_start', 'period_end') }} as text) as period_grain,

        ---------- what and who reported
        cast(sector as text) as sector,
        cast(reporting_level as text) as reporting_level,
        cast(submitted_for_municipality as text) as submitted_for_municipality,

        ---------- measures
        cast(people_in_need as integer) as people_in_need,
        cast(people_reached as integer) as people_reached,
        cast(capacity_gap as integer) as capacity_gap,
        cast(remarks as text) as remarks,

        ---------- provenance
        cast('submissions__needs_assessment' as text) as source_dataset_key,
        cast(batch_id as bigint) as batch_id

    from located

)

{{ new_or_revised_rows('final') }}
