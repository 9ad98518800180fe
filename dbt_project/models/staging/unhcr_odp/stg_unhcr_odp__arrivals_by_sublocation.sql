-- Arrivals of a year so far per disembarkation or border place (ODP population/get/
-- sublocation): one row per place, population group, year and measure, from the
-- latest promoted batch that carries it.

{%- set key_columns = ['geomaster_id', 'population_group_id', 'year', 'measure'] %}

with

source as (

    select * from {{ source('unhcr_odp', 'arrivals_by_sublocation') }}

),

places as (

    select * from {{ ref('stg_unhcr_odp__places') }}

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
        cast(geo_id as integer) as geo_id,
        cast(geomaster_id as integer) as place_id,
        cast(geomaster_name as text) as place_name,
        cast(admin_level as text) as admin_level,
        cast(centroid_lon as numeric) as centroid_lon,
        cast(centroid_lat as numeric) as centroid_lat,
        cast(population_group_id as integer) as population_group_id,
        cast(population_groups_concat as text) as population_group_name,
        cast(
            case when population_group_id = '4798' then 'land' else 'sea' end as text
        ) as arrival_mode,
        cast(year as integer) as reference_year,
        cast(to_date(date, 'YYYY-MM-DD') as date) as as_of_date,
        -- ODP's own `month` field: not the month of `date` (see the docs); kept as sent.
        cast(
            case when month ~ '^[0-9]{1,2}$' then month end as integer
        ) as source_month_field,
        cast(source as text) as data_source,

        ---------- measures
        cast(measure as text) as measure,
        cast(nullif(value, '') as bigint) as count_value,
        cast(nullif(flag, '') as text) as source_flag,

        ---------- provenance
        {{ provenance_columns() }}

    from latest

),

located as (

    select
        renamed.*,
        places.country_iso3,
        places.country_name,
        -- A figure that runs to a date before the year's end is the year so far.
        renamed.as_of_date < make_date(renamed.reference_year, 12, 31) as is_year_to_date
    from renamed
    left join places
        on renamed.geo_id = places.geo_id

)

select * from located
