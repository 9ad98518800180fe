-- Funds planned and disbursed per funded municipality (or reporting national body),
-- period, fund source, programme, currency and reporting level, from the funding
-- files municipalities and national bodies submit. Amounts stay in their currency:
-- never sum them across `currency_code`.

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

{#- A national body's file names no place: its funds are the country's, the one
    whose ministries submit (North Macedonia's, by default). #}
{%- set national_country_key = var('submissions_country_key', 'MKD') %}

with

funding as (

    select * from {{ ref('stg_submissions__funding') }}

),

municipalities as (

    select * from {{ ref('ref_municipalities') }}

),

countries as (

    select * from {{ ref('ref_countries') }}

),

located as (

    -- A municipality's line is placed in the municipality (and its country), a
    -- national body's line in the country.
    select
        funding.*,
        coalesce(funding.municipality_lau_code, '{{ national_country_key }}') as geography_key,
        case
            when funding.municipality_lau_code is null then 'country'
            else 'municipality'
        end as geography_level,
        coalesce(countries.iso3, '{{ national_country_key }}') as country_key
    from funding
    left join municipalities
        on funding.municipality_lau_code = municipalities.lau_code
    left join countries
        on municipalities.country_code = countries.iso2

),

final as (

    select
        ---------- key: municipality or national body x period x fund source x
        ---------- programme x currency x reporting level (and submitting scope)
        cast(
            {{ surrogate_key([
                'municipality_lau_code', 'national_body', 'period_start', 'period_end',
                'fund_source', 'programme', 'currency_code', 'reporting_level',
                'submitted_for_municipality'
            ]) }} as text
        ) as fact_key,
        cast(geography_key as text) as geography_key,
        cast(geography_level as text) as geography_level,
        cast(country_key as text) as country_key,
        cast(national_body as text) as national_body,

        ---------- period
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast({{ period_grain('period_start', 'period_end') }} as text) as period_grain,

        ---------- what and who reported
        cast(fund_source as text) as fund_source,
        cast(programme as text) as programme,
        cast(currency_code as text) as currency_code,
        cast(reporting_level as text) as reporting_level,
        cast(submitted_for_municipality as text) as submitted_for_municipality,

        ---------- measures
        cast(planned_amount as numeric(18, 2)) as planned_amount,
        cast(disbursed_amount as numeric(18, 2)) as disbursed_amount,

        ---------- provenance
        cast('submissions__funding' as text) as source_dataset_key,
        cast(batch_id as bigint) as batch_id

    from located

)

{{ new_or_revised_rows('final') }}
