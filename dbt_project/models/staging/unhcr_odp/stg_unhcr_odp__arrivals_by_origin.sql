-- Arrivals of a year so far per country of arrival and nationality, with ODP's sex and
-- age breakdown (population/get/origin): one row per country, population group,
-- nationality, year and measure, from the latest promoted batch that carries it.

{%- set key_columns = [
    'geomaster_id', 'population_group_id', 'pop_origin_code', 'year', 'measure'
] %}

with

source as (

    select * from {{ source('unhcr_odp', 'arrivals_by_origin') }}

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
        cast(geomaster_id as integer) as geomaster_id,
        cast(geomaster_name as text) as geomaster_name,
        -- Text: ODP may join several group ids with commas ("5583, 5630").
        cast(population_group_id as text) as population_group_id,
        cast(pop_type_code as text) as population_type_code,
        cast(pop_data_type_code as text) as data_type_code,
        -- UNHCR's own country codes, not ISO (SUD Sudan, ARE Egypt, OTH others).
        cast(pop_origin_code as text) as origin_code_unhcr,
        cast(pop_origin_name as text) as origin_name,
        cast(pop_origin_code in ('OTH', 'UKN', 'VAR') as boolean) as is_origin_aggregate,
        cast(year as integer) as reference_year,
        cast(to_date(date, 'YYYY-MM-DD') as date) as as_of_date,
        -- ODP's own `month` field: not the month of `date` (see the docs); kept as sent.
        cast(
            case when month ~ '^[0-9]{1,2}$' then month end as integer
        ) as source_month_field,
        cast(source as text) as data_source,

        ---------- what the measure counts, read from its name
        cast(measure as text) as measure,
        cast(
            case
                when measure in ('households', 'male_hhs', 'female_hhs') then 'households'
                else 'persons'
            end as text
        ) as unit,
        cast(
            case
                when measure like 'male\_%' then 'male'
                when measure like 'female\_%' then 'female'
                else 'total'
            end as text
        ) as sex,
        cast(
            case
                when measure like '%\_04' then '0-4'
                when measure like '%\_511' then '5-11'
                when measure like '%\_1217' then '12-17'
                when measure like '%\_1859' then '18-59'
                when measure like '%\_60' then '60+'
                when measure in ('children_total', 'uac_total') then '0-17'
                else 'total'
            end as text
        ) as age_band,
        cast(measure = 'uac_total' as boolean) as is_unaccompanied_child,

        ---------- measures
        cast(nullif(value, '') as bigint) as count_value,
        cast(nullif(flag, '') as text) as source_flag,

        ---------- provenance
        {{ provenance_columns() }}

    from latest

),

flagged as (

    select
        renamed.*,
        places.country_iso3,
        places.country_name,
        -- ODP sends a breakdown of all "0" (or nulls) when it has none: a positive
        -- men or women total is what tells a published breakdown.
        coalesce(
            max(
                case
                    when renamed.measure in ('male_total', 'female_total')
                        then renamed.count_value
                end
            ) over (
                partition by
                    renamed.geomaster_id,
                    renamed.population_group_id,
                    renamed.origin_code_unhcr,
                    renamed.reference_year
            ) > 0,
            false
        ) as is_breakdown_published
    from renamed
    left join places
        on renamed.geo_id = places.geo_id

)

select * from flagged
