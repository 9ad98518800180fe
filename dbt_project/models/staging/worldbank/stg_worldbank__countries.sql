-- The World Bank's economies (/v2/country): one row per country or aggregate with
-- its classification and capital coordinates, from the latest promoted batch.

with

source as (

    select * from {{ source('worldbank', 'countries') }}

),

latest as (

    -- Promoted batches without their quarantined rows; the latest batch per key.
    {{ latest_promoted_rows('source', ['id', 'measure']) }}

),

coordinates as (

    -- The long rows back to one row per economy: one row per coordinate.
    select
        id,
        max(value) filter (where measure = 'longitude') as longitude,
        max(value) filter (where measure = 'latitude') as latitude
    from latest
    group by id

),

economies as (

    -- The economy's attributes as its latest promoted row states them.
    select ranked.*
    from (
        select
            latest.*,
            row_number() over (
                partition by latest.id
                order by latest._batch_id desc, latest._row_number asc
            ) as economy_rank
        from latest
    ) as ranked
    where ranked.economy_rank = 1

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['economies.id']) }} as observation_id,
        cast(economies.id as text) as country_code,
        cast(economies.iso2_code as text) as country_iso2_code,

        ---------- attributes
        cast(economies.name as text) as country_name,
        cast(economies.region_id as text) as region_code,
        cast(nullif(trim(economies.region_name), '') as text) as region_name,
        cast(nullif(economies.admin_region_id, '') as text) as admin_region_code,
        cast(nullif(trim(economies.admin_region_name), '') as text) as admin_region_name,
        cast(nullif(economies.income_level_id, '') as text) as income_level_code,
        cast(nullif(trim(economies.income_level_name), '') as text) as income_level_name,
        cast(nullif(economies.lending_type_id, '') as text) as lending_type_code,
        cast(nullif(trim(economies.lending_type_name), '') as text) as lending_type_name,
        cast(nullif(trim(economies.capital_city), '') as text) as capital_city,

        ---------- measures
        cast(nullif(coordinates.longitude, '') as numeric(10, 6)) as longitude,
        cast(nullif(coordinates.latitude, '') as numeric(10, 6)) as latitude,

        ---------- flags
        -- Aggregates (regions, income groups, EU, world) have region NA; Namibia's
        -- 2-character code is NA too, which is why the region decides.
        coalesce(economies.region_id = 'NA', false) as is_aggregate,

        ---------- provenance
        cast(economies._batch_id as bigint) as batch_id,
        cast(economies._row_number as integer) as row_number,
        cast(economies.batch_status as text) as batch_status

    from economies
    inner join coordinates
        on economies.id = coordinates.id

)

select * from renamed
