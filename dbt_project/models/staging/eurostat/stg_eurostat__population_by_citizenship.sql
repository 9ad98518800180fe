-- Residents on 1 January by citizenship, sex and age (migr_pop1ctz): one row per
-- observation, from the latest promoted batch that carries it. The denominators of
-- per-capita figures.

with

source as (

    select * from {{ source('eurostat', 'population_by_citizenship') }}

),

aggregate_codes as (

    select * from {{ ref('eurostat_aggregate_codes') }}

),

latest as (

    -- Promoted batches without their quarantined rows; the latest batch per key.
    {{ latest_promoted_rows('source', ['geo', 'citizen', 'sex', 'age', 'time']) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['geo', 'citizen', 'sex', 'age', 'time']) }}
            as observation_id,

        ---------- dimensions
        cast(geo as text) as geo_code,
        cast(citizen as text) as citizen_code,
        cast(sex as text) as sex_code,
        cast(age as text) as age_code,
        cast(time as integer) as year,  -- noqa: RF04
        -- Eurostat counts the population on 1 January of the year.
        make_date(cast(time as integer), 1, 1) as reference_date,

        ---------- measures
        cast(nullif(value, '') as bigint) as population,
        cast(nullif(flag, '') as text) as status_flag,

        ---------- source metadata
        cast(freq as text) as frequency_code,
        cast(unit as text) as unit_code,
        cast(measure as text) as dataset_code,

        ---------- provenance
        {{ provenance_columns() }}

    from latest

),

flagged as (

    select
        renamed.*,
        geo_aggregates.code is not null as is_geo_aggregate,
        citizen_aggregates.code is not null as is_citizen_aggregate
    from renamed
    left join aggregate_codes as geo_aggregates
        on renamed.geo_code = geo_aggregates.code
    left join aggregate_codes as citizen_aggregates
        on renamed.citizen_code = citizen_aggregates.code

)

select * from flagged
