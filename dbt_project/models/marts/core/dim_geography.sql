-- Every place a figure can be reported for, one row per place: the municipalities
-- of ref_municipalities (North Macedonia, Greece, Slovenia, Bosnia and Herzegovina,
-- Montenegro), North Macedonia's statistical regions (NUTS 3), the country as NUTS 2
-- region, and every country. Each row names the places above it, so that local
-- figures roll up municipality -> NUTS 3 -> NUTS 2 -> country; region groups are in
-- dim_region_group_member.

with

municipalities as (

    select * from {{ ref('ref_municipalities') }}

),

municipal_populations as (

    select * from {{ ref('ref_municipal_populations') }}

),

countries as (

    select * from {{ ref('ref_countries') }}

),

nuts3_regions as (

    -- North Macedonia's eight statistical regions (NUTS 2021/2024), names as
    -- Eurostat and the State Statistical Office give them.
    select *
    from (
        values
        ('MK001', 'Vardar', 'Вардарски'),
        ('MK002', 'East', 'Источен'),
        ('MK003', 'South-West', 'Југозападен'),
        ('MK004', 'South-East', 'Југоисточен'),
        ('MK005', 'Pelagonia', 'Пелагониски'),
        ('MK006', 'Polog', 'Полошки'),
        ('MK007', 'North-East', 'Североисточен'),
        ('MK008', 'Skopje', 'Скопски')
    ) as regions (nuts3_code, region_name, region_name_local)

),

country_populations as (

    -- Only figures published by a statistics office; a place without one stays
    -- null rather than estimated: the census total of the country's municipalities
    -- (seed ref_municipal_populations, equal to the official total).
    select
        country_key as iso3,
        population,
        reference_year as population_reference_year,
        population_source
    from {{ ref('int_census_populations') }}

),

country_nuts2 as (

    -- The NUTS 2 region(s) of the countries below which the warehouse has places.
    select *
    from (
        values
        ('MKD', 'MK00', 'MK', 'Северна Македонија')
    ) as nuts2 (iso3, nuts2_code, nuts_country_code, nuts2_name_local)

),

municipality_rows as (

    select
        municipalities.lau_code as geography_key,
        'municipality' as geography_level,
        municipalities.municipality_name as geography_name,
        municipalities.municipality_name_local as geography_name_local,
        municipalities.lau_code,
        municipalities.nuts3_code,
        country_nuts2.nuts2_code,
        countries.iso3 as country_key,
        municipal_populations.population,
        municipal_populations.reference_year as population_reference_year,
        municipal_populations.population_source
    from municipalities
    inner join countries
        on municipalities.country_code = countries.iso2
    -- Only North Macedonia's NUTS regions are held: elsewhere the NUTS codes are null.
    left join country_nuts2
        on countries.iso3 = country_nuts2.iso3
    left join municipal_populations
        on municipalities.lau_code = municipal_populations.lau_code

),

nuts3_rows as (

    select
        nuts3_regions.nuts3_code as geography_key,
        'nuts3' as geography_level,
        nuts3_regions.region_name as geography_name,
        nuts3_regions.region_name_local as geography_name_local,
        cast(null as text) as lau_code,
        nuts3_regions.nuts3_code,
        country_nuts2.nuts2_code,
        country_nuts2.iso3 as country_key,
        cast(null as bigint) as population,
        cast(null as integer) as population_reference_year,
        cast(null as text) as population_source
    from nuts3_regions
    inner join country_nuts2
        on left(nuts3_regions.nuts3_code, 2) = country_nuts2.nuts_country_code

),

nuts2_rows as (

    select
        country_nuts2.nuts2_code as geography_key,
        'nuts2' as geography_level,
        countries.name_en as geography_name,
        country_nuts2.nuts2_name_local as geography_name_local,
        cast(null as text) as lau_code,
        cast(null as text) as nuts3_code,
        country_nuts2.nuts2_code,
        country_nuts2.iso3 as country_key,
        -- MK00 covers the whole country: its population is the country's.
        country_populations.population,
        country_populations.population_reference_year,
        country_populations.population_source
    from country_nuts2
    inner join countries
        on country_nuts2.iso3 = countries.iso3
    left join country_populations
        on country_nuts2.iso3 = country_populations.iso3

),

country_rows as (

    select
        countries.iso3 as geography_key,
        'country' as geography_level,
        countries.name_en as geography_name,
        cast(null as text) as geography_name_local,
        cast(null as text) as lau_code,
        cast(null as text) as nuts3_code,
        cast(null as text) as nuts2_code,
        countries.iso3 as country_key,
        country_populations.population,
        country_populations.population_reference_year,
        country_populations.population_source
    from countries
    left join country_populations
        on countries.iso3 = country_populations.iso3

),

unioned as (

    select * from municipality_rows
    union all
    select * from nuts3_rows
    union all
    select * from nuts2_rows
    union all
    select * from country_rows

),

final as (

    select
        cast(geography_key as text) as geography_key,
        cast(geography_level as text) as geography_level,
        cast(geography_name as text) as geography_name,
        cast(geography_name_local as text) as geography_name_local,
        cast(lau_code as text) as lau_code,
        cast(nuts3_code as text) as nuts3_code,
        cast(nuts2_code as text) as nuts2_code,
        cast(country_key as text) as country_key,
        cast(population as bigint) as population,
        cast(population_reference_year as integer) as population_reference_year,
        cast(population_source as text) as population_source
    from unioned

)

select * from final
