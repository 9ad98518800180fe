-- One row per country or territory (ISO 3166-1 and Kosovo), keyed by its alpha-3
-- code: the nationality, origin, asylum and reporting country of every fact, with
-- each source's code for it and the region groups it belongs to.

with

countries as (

    select * from {{ ref('ref_countries') }}

),

final as (

    select
        ---------- key
        cast(iso3 as text) as country_key,

        ---------- names and codes
        cast(name_en as text) as country_name,
        cast(iso2 as text) as iso2_code,
        cast(iso3 as text) as iso3_code,
        cast(iso_numeric as text) as iso_numeric_code,
        cast(is_iso_3166 as boolean) as is_iso_3166,
        cast(eurostat_geo_code as text) as eurostat_geo_code,
        cast(worldbank_code as text) as worldbank_code,
        cast(unhcr_code as text) as unhcr_code,

        ---------- UN M49 regions
        cast(m49_region as text) as m49_region,
        cast(m49_sub_region as text) as m49_sub_region,
        cast(m49_intermediate_region as text) as m49_intermediate_region,

        ---------- memberships
        cast(is_eu27_2020 as boolean) as is_eu27_2020,
        cast(is_cei_member as boolean) as is_cei_member,
        cast(cei_status as text) as cei_status,
        cast(is_western_balkans as boolean) as is_western_balkans,
        cast(is_south_east_europe as boolean) as is_south_east_europe

    from countries

)

select * from final
