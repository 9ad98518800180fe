-- Sea and land arrivals per country, daily and monthly (ODP population/get/timeseries):
-- one row per place, population group, frequency and period, from the latest promoted
-- batch that carries it.

{%- set key_columns = ['geo_id', 'population_group', 'frequency', 'period', 'measure'] %}

with

source as (

    select * from {{ source('unhcr_odp', 'arrivals_timeseries') }}

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
        cast(population_group as integer) as population_group_id,
        cast(
            case population_group
                when '4797' then 'Mediterranean sea arrivals'
                when '4798' then 'Land arrivals'
                when '5634' then 'Sea arrivals to the Canary Islands'
            end as text
        ) as population_group_name,
        cast(
            case when population_group = '4798' then 'land' else 'sea' end as text
        ) as arrival_mode,
        cast(frequency as text) as frequency,
        cast(
            case
                when frequency = 'month' then to_date(period, 'YYYY-MM')
                else to_date(period, 'YYYY-MM-DD')
            end as date
        ) as period_start,
        cast(
            case
                when frequency = 'month'
                    then to_date(period, 'YYYY-MM') + interval '1 month' - interval '1 day'
                else to_date(period, 'YYYY-MM-DD')
            end as date
        ) as period_end,

        ---------- measures
        cast(measure as text) as measure,
        cast(nullif(value, '') as bigint) as arrivals,
        cast(nullif(flag, '') as text) as source_flag,

        ---------- provenance
        {{ provenance_columns() }}

    from latest

),

located as (

    select
        renamed.*,
        places.country_iso3,
        places.country_name
    from renamed
    left join places
        on renamed.geo_id = places.geo_id

)

select * from located
