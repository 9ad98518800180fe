-- Each country's total population per year, the denominator of national and regional
-- per-1,000 figures: from the dataset the source-preference rule (seed
-- ref_source_preference, metric `population`) ranks first among those with a figure
-- for the year (Eurostat's residents on 1 January, else the World Bank's
-- SP.POP.TOTL); for a census year without either, the census total of the country's
-- municipalities (seed ref_municipal_populations, `is_census` true). A figure stays in
-- use until the next year with one, so the latest population serves the years after
-- it (`reference_year` says which).

with

stocks as (

    select * from {{ ref('fct_population_stock') }}

),

preferences as (

    select * from {{ ref('ref_source_preference') }}
    where metric = 'population'

),

census as (

    select * from {{ ref('int_census_populations') }}

),

totals as (

    select
        country_key,
        cast(extract(year from reference_date) as integer) as reference_year,
        source_dataset_key,
        max(persons) as population
    from stocks
    where
        sex = 'T'
        and is_all_ages
        and (
            population_type = 'total_population'
            or (
                source_dataset_key = 'eurostat__population_by_citizenship'
                and origin_kind = 'all'
            )
        )
        and persons > 0
    group by country_key, extract(year from reference_date), source_dataset_key

),

candidates as (

    select
        totals.country_key,
        totals.reference_year,
        totals.source_dataset_key,
        totals.population,
        false as is_census,
        preferences.preference,
        preferences.country_key = '*' as is_general_rule
    from totals
    inner join preferences
        on
            totals.source_dataset_key = preferences.source_dataset_key
            and preferences.country_key in (totals.country_key, '*')

    union all

    select
        country_key,
        reference_year,
        population_source as source_dataset_key,
        population,
        true as is_census,
        null as preference,
        true as is_general_rule
    from census

),

chosen as (

    select distinct on (country_key, reference_year) *
    from candidates
    order by country_key, reference_year, is_census, is_general_rule, preference

),

final as (

    select
        cast(country_key as text) as country_key,
        cast(reference_year as integer) as reference_year,
        cast(population as bigint) as population,
        cast(source_dataset_key as text) as population_source,
        cast(is_census as boolean) as is_census,
        cast(reference_year as integer) as valid_from_year,
        cast(
            coalesce(
                lead(reference_year) over (partition by country_key order by reference_year) - 1,
                9999
            ) as integer
        ) as valid_to_year
    from chosen

)

select * from final
