-- What each reporter delivered: one row per dataset, reporter, place, scorecard period,
-- reporting level and batch, collected from every fact. The reporter is the
-- municipality for a municipality's submitted file and the country for everything
-- else (a national body's file, every API source). Day, week and month facts count
-- for the month their period starts in; quarter, year and custom periods for the year.

with

arrivals as (

    select * from {{ ref('fct_arrivals') }}

),

occupancy as (

    select * from {{ ref('fct_reception_occupancy') }}

),

needs as (

    select * from {{ ref('fct_needs') }}

),

funding as (

    select * from {{ ref('fct_funding') }}

),

applications as (

    select * from {{ ref('fct_asylum_applications') }}

),

decisions as (

    select * from {{ ref('fct_asylum_decisions') }}

),

population_stock as (

    select * from {{ ref('fct_population_stock') }}

),

geographies as (

    select * from {{ ref('dim_geography') }}

),

fact_rows as (

    -- Leaf arrivals only (no sex or age subtotal), so that a figure is never
    -- counted twice in the consistency check.
    select
        source_dataset_key,
        reporting_level,
        submitted_for_municipality,
        country_key,
        geography_key,
        period_start,
        period_grain,
        batch_id,
        case
            when not is_all_ages and not is_age_subtotal and sex != 'T'
                then arrivals
        end as leaf_arrivals
    from arrivals

    union all

    select
        source_dataset_key,
        reporting_level,
        submitted_for_municipality,
        country_key,
        geography_key,
        period_start,
        period_grain,
        batch_id,
        cast(null as bigint) as leaf_arrivals
    from occupancy

    union all

    select
        source_dataset_key,
        reporting_level,
        submitted_for_municipality,
        country_key,
        geography_key,
        period_start,
        period_grain,
        batch_id,
        cast(null as bigint) as leaf_arrivals
    from needs

    union all

    select
        source_dataset_key,
        reporting_level,
        submitted_for_municipality,
        country_key,
        geography_key,
        period_start,
        period_grain,
        batch_id,
        cast(null as bigint) as leaf_arrivals
    from funding

    union all

    select
        source_dataset_key,
        'international' as reporting_level,
        cast(null as text) as submitted_for_municipality,
        country_key,
        country_key as geography_key,
        period_start,
        period_grain,
        batch_id,
        cast(null as bigint) as leaf_arrivals
    from applications

    union all

    select
        source_dataset_key,
        'international' as reporting_level,
        cast(null as text) as submitted_for_municipality,
        country_key,
        country_key as geography_key,
        period_start,
        period_grain,
        batch_id,
        cast(null as bigint) as leaf_arrivals
    from decisions

    union all

    select
        source_dataset_key,
        'international' as reporting_level,
        cast(null as text) as submitted_for_municipality,
        country_key,
        country_key as geography_key,
        period_start,
        period_grain,
        batch_id,
        cast(null as bigint) as leaf_arrivals
    from population_stock

),

placed as (

    select
        fact_rows.source_dataset_key,
        fact_rows.reporting_level,
        case
            when fact_rows.reporting_level = 'municipality'
                then fact_rows.submitted_for_municipality
            else fact_rows.country_key
        end as reporter_key,
        case
            when fact_rows.reporting_level = 'municipality' then 'municipality'
            else 'country'
        end as reporter_level,
        fact_rows.country_key,
        -- API facts are placed in their country (ODP's arrivals already are).
        case
            when fact_rows.reporting_level = 'international' then fact_rows.country_key
            else fact_rows.geography_key
        end as geography_key,
        case
            when fact_rows.reporting_level = 'international' then 'country'
            else coalesce(geographies.geography_level, 'unknown')
        end as geography_level,
        case
            when fact_rows.period_grain in ('day', 'week', 'month') then 'month'
            else 'year'
        end as period_grain,
        fact_rows.period_start as fact_period_start,
        fact_rows.batch_id,
        fact_rows.leaf_arrivals
    from fact_rows
    left join geographies
        on fact_rows.geography_key = geographies.geography_key
    where fact_rows.country_key is not null

),

final as (

    select
        cast(source_dataset_key as text) as source_dataset_key,
        cast(reporting_level as text) as reporting_level,
        cast(reporter_key as text) as reporter_key,
        cast(reporter_level as text) as reporter_level,
        cast(country_key as text) as country_key,
        cast(geography_key as text) as geography_key,
        cast(geography_level as text) as geography_level,
        cast(period_grain as text) as period_grain,
        cast(date_trunc(period_grain, fact_period_start) as date) as period_start,
        cast(batch_id as bigint) as batch_id,
        cast(count(*) as bigint) as fact_rows,
        cast(sum(leaf_arrivals) as bigint) as leaf_arrivals
    from placed
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10

)

select * from final
