-- WDI indicators (net migration, migrant stock, population, refugees) per economy
-- and year: one row per observation, from the latest promoted batch that carries
-- it, with aggregates flagged from the World Bank's economy list.

with

source as (

    select * from {{ source('worldbank', 'indicators') }}

),

economies as (

    select * from {{ ref('stg_worldbank__countries') }}

),

latest as (

    -- Promoted batches without their quarantined rows; the latest batch per key.
    {{ latest_promoted_rows('source', ['country_id', 'date', 'measure']) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['country_id', 'date', 'measure']) }} as observation_id,

        ---------- dimensions
        cast(country_id as text) as country_iso2_code,
        cast(nullif(countryiso3code, '') as text) as country_code,
        cast(measure as text) as indicator_code,
        cast(date as integer) as year,  -- noqa: RF04

        ---------- measures
        cast(nullif(value, '') as numeric) as indicator_value,
        cast(nullif(flag, '') as text) as obs_status,

        ---------- provenance
        {{ provenance_columns() }}

    from latest

),

flagged as (

    select
        renamed.*,
        economies.country_name,
        -- Null when the economy is missing from the list (a test catches it).
        economies.is_aggregate
    from renamed
    left join economies
        on renamed.country_iso2_code = economies.country_iso2_code

)

select * from flagged
