-- Arrivals per period, place, nationality, sex and age: the registrations municipalities
-- and national bodies submit (`reporting_level` municipality or national, geography the
-- municipality of the location) and UNHCR ODP's sea and land arrivals (`reporting_level`
-- international): per country, daily and monthly (unhcr_odp__arrivals_timeseries), and
-- per disembarkation or border place and year (unhcr_odp__arrivals_by_sublocation:
-- period_grain `year` for a whole year, else the year so far up to its date, mostly
-- `custom`). ODP's rows are all nationalities (origin_kind `all`). A row without a
-- country never lands: a place whose country ODP was not asked about (not in
-- stg_unhcr_odp__places), a registration in an unknown municipality. A total or a
-- group of nationalities never lands either; stateless and unknown nationalities do,
-- with a null origin_country_key.

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

arrivals as (

    select * from {{ ref('int_arrivals_harmonised') }}

),

countries_only as (

    select * from arrivals
    where
        geography_key is not null
        and country_key is not null
        and origin_kind in ('country', 'stateless', 'unknown', 'others', 'all')

),

new_batches as (

    -- Only the rows of promoted batches the fact holds none of (a batch promoted late
    -- too); a revised row replaces the earlier one (same fact_key).
    {{ rows_of_new_batches('countries_only') }}

),

keyed as (

    -- A place's figure for a year keeps its key while it grows from the year so far
    -- to the whole year (its grain changes with its date), so that the later batch
    -- replaces it instead of adding a second row for the same place and year.
    select
        *,
        case
            when source_dataset_key = 'unhcr_odp__arrivals_by_sublocation' then 'year'
            else period_grain
        end as key_period_grain
    from new_batches

),

final as (

    select
        {{ surrogate_key([
            'source_dataset_key', 'period_start', 'key_period_grain', 'reporting_level',
            'submitted_for_municipality', 'reporting_authority', 'location_code',
            'population_group_id', 'source_origin_code', 'source_sex_code',
            'source_age_band',
        ]) }} as fact_key,
        period_start,
        period_end,
        period_grain,
        reporting_level,
        geography_key,
        geography_level,
        country_key,
        location_code,
        location_type,
        arrival_mode,
        population_group_id,
        origin_country_key,
        origin_kind,
        sex,
        age_group,
        is_all_ages,
        is_age_subtotal,
        arrivals,
        reporting_authority,
        submitted_for_municipality,
        source_flag,
        source_origin_code,
        source_sex_code,
        source_age_band,
        source,
        source_dataset_key,
        batch_id
    from keyed

)

select * from final
