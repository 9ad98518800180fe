-- End-year stocks by population type, sex and age band (UNHCR demographics/ with
-- ptype_show): one row per origin x asylum pair, year, population type and sex x age
-- band, from the latest promoted batch that carries it.

{#- The natural key: UNHCR's own country codes (always present, unlike ISO3 codes),
    the endpoint's codes and the count field. #}
{% set key_columns = [
    'year', 'coo', 'coa', 'pop_type', 'measure'
] %}

with

source as (

    select * from {{ source('unhcr', 'demographics') }}

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
        cast(trim(pop_type) as text) as population_type,

        ---------- measures
        cast(measure as text) as sex_age_group,
        -- f_0_4 -> F, 0-4; m_60 -> M, 60+; f_other -> unknown age; total -> T, total
        cast(case
            when measure like 'f\_%' then 'F'
            when measure like 'm\_%' then 'M'
            when measure = 'total' then 'T'
        end as text) as sex_code,
        cast(case
            when measure = 'total' or measure like '%\_total' then 'total'
            when measure like '%\_other' then 'unknown'
            when measure like '%\_60' then '60+'
            else replace(substr(measure, 3), '_', '-')
        end as text) as age_band,
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
