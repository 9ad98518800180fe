-- Asylum applications lodged during each year (UNHCR asylum-applications/): one row
-- per origin x asylum pair, year, authority, application type, procedure level and
-- unit, from the latest promoted batch that carries it.

{#- The natural key: UNHCR's own country codes (always present, unlike ISO3 codes),
    the endpoint's codes and the count field. #}
{% set key_columns = [
    'year', 'coo', 'coa', 'procedure_type', 'app_type', 'dec_level', 'app_pc', 'measure'
] %}

with

source as (

    select * from {{ source('unhcr', 'asylum_applications') }}

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
        cast(trim(procedure_type) as text) as authority_code,
        cast(trim(app_type) as text) as application_type,
        cast(trim(dec_level) as text) as procedure_level,
        cast(trim(app_pc) as text) as count_unit,

        ---------- measures
        cast(measure as text) as measure_code,
        cast(nullif(value, '') as bigint) as applications,
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
