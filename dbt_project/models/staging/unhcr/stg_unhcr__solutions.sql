-- Durable solutions during each year (UNHCR solutions/): one row per origin x
-- asylum pair, year and solution, from the latest promoted batch that carries it.

{#- The natural key: UNHCR's own country codes (always present, unlike ISO3 codes),
    the endpoint's codes and the count field. #}
{% set key_columns = [
    'year', 'coo', 'coa', 'measure'
] %}

with

source as (

    select * from {{ source('unhcr', 'solutions') }}

),

latest as (

    -- Promoted batches without their quarantined rows; the latest batch per key.
    {{ latest_promoted_rows('source', key_columns) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(key_columns) }} as observation_id,

        ---------- dimensions
        cast(year as integer) as reference_year,
        {{ unhcr_country_pair_columns() }},

        ---------- measures
        cast(measure as text) as solution_type,
        cast(nullif(value, '') as bigint) as persons,
        cast(nullif(flag, '') as text) as value_flag,
        coalesce(flag = '-', false) as is_not_applicable,

        ---------- summed dimensions: never add these rows to country rows
        coalesce(coo = '-', false) as is_origin_summed,
        coalesce(coa = '-', false) as is_asylum_summed,

        ---------- provenance
        {{ provenance_columns() }}

    from latest

)

select * from renamed
