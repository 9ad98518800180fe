-- Each country's census population: the total of its municipalities in the seed
-- ref_municipal_populations (the statistics office's census, whose municipalities
-- add up exactly to the official total), for the countries whose municipalities the
-- warehouse holds.

with

municipal_populations as (

    select * from {{ ref('ref_municipal_populations') }}

),

municipalities as (

    select * from {{ ref('ref_municipalities') }}

),

countries as (

    select * from {{ ref('ref_countries') }}

),

final as (

    select
        cast(countries.iso3 as text) as country_key,
        cast(max(municipal_populations.reference_year) as integer) as reference_year,
        cast(sum(municipal_populations.population) as bigint) as population,
        cast(max(municipal_populations.population_source) as text) as population_source,
        cast(count(*) as integer) as municipalities
    from municipal_populations
    inner join municipalities
        on municipal_populations.lau_code = municipalities.lau_code
    inner join countries
        on municipalities.country_code = countries.iso2
    group by countries.iso3

)

select * from final
