-- The components of the national situation that only exist per country, one row per
-- country and calendar period (month, quarter, year): the figures
-- int_situation_national_figures picks by the source-preference rule (UNHCR's
-- arrivals, asylum applications and decisions), each with its dataset and the days
-- of the period it covers, and the funds a national body reports for the country as
-- a whole.

{%- set figures = [
    'arrivals_international', 'asylum_applications', 'first_time_applications',
    'decisions_total', 'decisions_positive',
] %}

with

figures as (

    select * from {{ ref('int_situation_national_figures') }}
    where is_chosen

),

funding as (

    select * from {{ ref('fct_funding') }}

),

national_funding as (

-- A national body's funds for the country as a whole, in euros: the later
-- file's line where two files sent the same one.
    {{ latest_report(
        'funding',
        partition_by=[
            'geography_key', 'period_start', 'period_end', 'fund_source', 'programme',
            'currency_code',
        ],
        where="geography_level = 'country' and currency_code = 'EUR'",
    ) }}

),

funding_placed as (

    select
        national_funding.country_key,
        mart_grains.mart_grain as period_grain,
        {{ mart_period_start('national_funding.period_start') }} as period_start,
        {{ mart_period_end('national_funding.period_start') }} as period_end,
        national_funding.planned_amount,
        national_funding.disbursed_amount,
        national_funding.period_start as line_start,
        national_funding.period_end as line_end,
        national_funding.source_dataset_key,
        national_funding.batch_id
    from national_funding
    {{ in_mart_periods(['month', 'quarter', 'year'], 'national_funding') }}

),

funding_sums as (

    select
        country_key,
        period_start,
        period_end,
        period_grain,
        sum(planned_amount) as funding_planned_eur,
        sum(disbursed_amount) as funding_disbursed_eur,
        {{ covered_dates('line_start', 'line_end') }} as funding_dates,
        max(source_dataset_key) as source_dataset_key,
        max(batch_id) as batch_id
    from funding_placed
    group by country_key, period_start, period_end, period_grain

),

figures_pivoted as (

    select
        country_key,
        period_start,
        period_end,
        period_grain,
        {%- for figure in figures %}
            max(figure) filter (where metric = '{{ figure }}') as {{ figure }},
            max(source_dataset_key) filter (where metric = '{{ figure }}') as {{ figure }}_source,
            max(days_covered) filter (where metric = '{{ figure }}') as {{ figure }}_days,
        {%- endfor %}
        array_agg(distinct source_dataset_key order by source_dataset_key) as source_dataset_keys,
        max(latest_batch_id) as latest_batch_id
    from figures
    group by country_key, period_start, period_end, period_grain

),

final as (

    select
        cast(coalesce(figures_pivoted.country_key, funding_sums.country_key) as text)
            as country_key,
        cast(coalesce(figures_pivoted.period_start, funding_sums.period_start) as date)
            as period_start,
        cast(coalesce(figures_pivoted.period_end, funding_sums.period_end) as date)
            as period_end,
        cast(coalesce(figures_pivoted.period_grain, funding_sums.period_grain) as text)
            as period_grain,
        {%- for figure in figures %}
            cast(figures_pivoted.{{ figure }} as bigint) as {{ figure }},
            cast(figures_pivoted.{{ figure }}_source as text) as {{ figure }}_source,
            cast(figures_pivoted.{{ figure }}_days as integer) as {{ figure }}_days,
        {%- endfor %}
        cast(funding_sums.funding_planned_eur as numeric(18, 2)) as funding_planned_eur,
        cast(funding_sums.funding_disbursed_eur as numeric(18, 2)) as funding_disbursed_eur,
        cast(funding_sums.funding_dates as datemultirange) as funding_dates,
        cast(
            array(
                select distinct dataset_list.dataset_key
                from
                    unnest(
                        coalesce(figures_pivoted.source_dataset_keys, '{}')
                        || array_remove(array[funding_sums.source_dataset_key], null)
                    ) as dataset_list (dataset_key)
                order by dataset_list.dataset_key
            ) as text[]
        ) as source_dataset_keys,
        cast(greatest(figures_pivoted.latest_batch_id, funding_sums.batch_id) as bigint)
            as latest_batch_id
    from figures_pivoted
    full outer join funding_sums
        on
            figures_pivoted.country_key = funding_sums.country_key
            and figures_pivoted.period_start = funding_sums.period_start
            and figures_pivoted.period_grain = funding_sums.period_grain

)

select * from final
