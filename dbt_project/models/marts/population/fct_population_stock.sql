-- Population stocks per country, year, origin, population type, sex and age: UNHCR's
-- forcibly displaced and stateless people (and their demographics), the World Bank's
-- international migrant stock and total population (the denominator of per-1,000
-- figures), Eurostat's residents by citizenship. Countries only: totals, groups and
-- World Bank regions never land; stateless and unknown origins do, with a null
-- origin_country_key.

{{
    config(
        materialized='incremental',
        unique_key='fact_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        indexes=[{'columns': ['batch_id']}],
        post_hook=[
            "{{ delete_rows_of_withdrawn_batches() }}",
        ],
    )
}}

with

stocks as (

    select * from {{ ref('int_population_stock_harmonised') }}

),

countries_only as (

    select * from stocks
    where
        country_kind = 'country'
        and origin_kind in ('country', 'stateless', 'unknown', 'others', 'all')

),

new_batches as (

    -- Only the rows of promoted batches the fact holds none of (a batch promoted late
    -- too); a revised row replaces the earlier one (same fact_key).
    {{ rows_of_new_batches('countries_only') }}

),

final as (

    select
        {{ surrogate_key([
            'source_dataset_key', 'period_start', 'source_country_code',
            'source_origin_code', 'source_population_type', 'indicator_code',
            'source_sex_code', 'source_age_band',
        ]) }} as fact_key,
        period_start,
        period_end,
        period_grain,
        reference_date,
        country_key,
        origin_country_key,
        origin_kind,
        population_type,
        sex,
        age_group,
        is_all_ages,
        is_age_subtotal,
        persons,
        source_flag,
        is_not_applicable,
        source_country_code,
        source_origin_code,
        source_population_type,
        indicator_code,
        source_sex_code,
        source_age_band,
        source,
        source_dataset_key,
        batch_id
    from new_batches

)

select * from final
