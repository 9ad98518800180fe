-- No partial total is shown as a whole period. For every national row, the days its
-- country-level figures' source rows cover are counted again here, day by day
-- (generate_series, not the marts' range arithmetic), from the facts of the dataset
-- the row names; likewise every municipality's arrivals from detail.fct_arrivals. A
-- figure covering fewer days than its period must leave is_complete_period false
-- and be named in incomplete_figures. Returns the rows that break this.

with

national as (

    select * from {{ ref('mart_national_situation') }}

),

local_situation as (

    select * from {{ ref('mart_local_situation_detail') }}

),

arrivals as (

    select * from {{ ref('fct_arrivals') }}

),

applications as (

    select * from {{ ref('fct_asylum_applications') }}

),

fact_spans as (

    select distinct
        'arrivals_international' as figure,
        country_key,
        source_dataset_key,
        period_start,
        period_end
    from arrivals
    where reporting_level = 'international' and period_grain <> 'day'

    union

    select distinct
        'asylum_applications' as figure,
        country_key,
        source_dataset_key,
        period_start,
        period_end
    from applications

),

national_figures as (

    select
        national.situation_key,
        national.country_key,
        national.period_start,
        national.period_end,
        national.is_complete_period,
        coalesce(national.incomplete_figures, '') as incomplete_figures,
        shown.figure,
        shown.source_dataset_key
    from national
    cross join
        lateral (
            values
            ('arrivals_international', national.arrivals_international_source),
            ('asylum_applications', national.asylum_applications_source)
        ) as shown (figure, source_dataset_key)
    where shown.source_dataset_key is not null

),

national_days as (

    select
        national_figures.situation_key,
        national_figures.figure,
        national_figures.is_complete_period,
        national_figures.incomplete_figures,
        national_figures.period_end - national_figures.period_start + 1 as days_in_period,
        count(distinct covered.day) as days_counted
    from national_figures
    inner join fact_spans
        on
            national_figures.figure = fact_spans.figure
            and national_figures.country_key = fact_spans.country_key
            and national_figures.source_dataset_key = fact_spans.source_dataset_key
            and national_figures.period_start <= fact_spans.period_start
            and national_figures.period_end >= fact_spans.period_end
    cross join
        lateral
        generate_series(fact_spans.period_start, fact_spans.period_end, interval '1 day')
            as covered (day)
    group by 1, 2, 3, 4, 5

),

local_days as (

    select
        local_situation.situation_key,
        'arrivals' as figure,
        local_situation.is_complete_period,
        coalesce(local_situation.incomplete_figures, '') as incomplete_figures,
        local_situation.period_end - local_situation.period_start + 1 as days_in_period,
        count(distinct covered.day) as days_counted
    from local_situation
    inner join arrivals
        on
            local_situation.municipality_lau_code = arrivals.geography_key
            and arrivals.reporting_level = 'municipality'
            and local_situation.period_start <= arrivals.period_start
            and local_situation.period_end >= arrivals.period_end
    cross join
        lateral
        generate_series(arrivals.period_start, arrivals.period_end, interval '1 day')
            as covered (day)
    where local_situation.arrivals is not null
    group by 1, 2, 3, 4, 5

),

checked as (

    select * from national_days
    union all
    select * from local_days

)

select *
from checked
where
    days_counted < days_in_period
    and (is_complete_period or incomplete_figures not like '%' || figure || ' %')
