-- The figures that exist per country only, one row per country, calendar period
-- (month, quarter, year), metric and dataset holding a figure: UNHCR's arrivals,
-- asylum applications and first-instance decisions (Eurostat and UNHCR). Each row
-- says how many days of the period its source rows cover, so a year of four months
-- is never shown as the year, and `is_chosen` marks the one dataset per country,
-- period and metric the source-preference rule (seed ref_source_preference) picks:
-- the national marts show it, mart_reconciliation compares the others with it.

with

arrivals as (

    select * from {{ ref('fct_arrivals') }}

),

applications as (

    select * from {{ ref('fct_asylum_applications') }}

),

decisions as (

    select * from {{ ref('fct_asylum_decisions') }}

),

preferences as (

    select * from {{ ref('ref_source_preference') }}

),

odp_last_days as (

    -- The last day ODP's daily series has per country: the month holding it is only
    -- the month so far (ODP publishes the current month as it goes).
    select
        country_key,
        max(period_end) as last_day
    from arrivals
    where
        source_dataset_key = 'unhcr_odp__arrivals_timeseries'
        and period_grain = 'day'
    group by country_key

),

odp_arrivals as (

    -- ODP sends each country's arrivals per day and per month: the months only, so
    -- nothing is counted twice, each covering up to the series' last day; per place
    -- for a year, or the year so far.
    select
        arrivals.country_key,
        arrivals.period_start,
        case
            when
                arrivals.period_grain = 'month'
                and odp_last_days.last_day >= arrivals.period_start
                and odp_last_days.last_day < arrivals.period_end
                then odp_last_days.last_day
            else arrivals.period_end
        end as period_end,
        arrivals.source_dataset_key,
        'arrivals_international' as metric,
        sum(arrivals.arrivals) as figure,
        max(arrivals.batch_id) as batch_id
    from arrivals
    left join odp_last_days
        on arrivals.country_key = odp_last_days.country_key
    where
        arrivals.reporting_level = 'international'
        and (
            (
                arrivals.source_dataset_key = 'unhcr_odp__arrivals_timeseries'
                and arrivals.period_grain = 'month'
            )
            or arrivals.source_dataset_key = 'unhcr_odp__arrivals_by_sublocation'
        )
    group by
        arrivals.country_key, arrivals.period_start, arrivals.period_end,
        arrivals.period_grain, arrivals.source_dataset_key, odp_last_days.last_day

),

eurostat_applications as (

    -- All ages and sexes; the published all-origins total where the source sent one.
    select
        country_key,
        period_start,
        period_end,
        source_dataset_key,
        case application_type
            when 'total' then 'asylum_applications' else 'first_time_applications'
        end as metric,
        coalesce(
            sum(applications) filter (where origin_kind = 'all'),
            sum(applications) filter (where origin_kind <> 'all')
        ) as figure,
        max(batch_id) as batch_id
    from applications
    where
        source_dataset_key in (
            'eurostat__asylum_applicants_monthly', 'eurostat__asylum_applicants_annual'
        )
        and sex = 'T'
        and is_all_ages
        and application_type in ('total', 'first_time')
    group by
        country_key, period_start, period_end, source_dataset_key, application_type

),

unhcr_applications as (

    -- New and repeat applications of persons (not appeals, not cases), all origins.
    select
        country_key,
        period_start,
        period_end,
        source_dataset_key,
        'asylum_applications' as metric,
        sum(applications) as figure,
        max(batch_id) as batch_id
    from applications
    where
        source_dataset_key = 'unhcr__asylum_applications'
        and sex = 'T'
        and is_all_ages
        and count_unit = 'P'
        and (application_type in ('new', 'repeat') or source_application_type = 'NR')
    group by country_key, period_start, period_end, source_dataset_key

),

eurostat_decisions as (

    select
        country_key,
        period_start,
        period_end,
        source_dataset_key,
        'decisions_' || decision as metric,
        coalesce(
            sum(decisions) filter (where origin_kind = 'all'),
            sum(decisions) filter (where origin_kind <> 'all')
        ) as figure,
        max(batch_id) as batch_id
    from decisions
    where
        source_dataset_key = 'eurostat__asylum_decisions_first_instance'
        and sex = 'T'
        and is_all_ages
        and decision in ('total', 'positive')
    group by country_key, period_start, period_end, source_dataset_key, decision

),

unhcr_decisions as (

    -- First-instance decisions on persons, as Eurostat counts them: recognised,
    -- complementary protection and rejected (UNHCR's `closed` are not decisions);
    -- positive: the first two.
    select
        decisions.country_key,
        decisions.period_start,
        decisions.period_end,
        decisions.source_dataset_key,
        figures.metric,
        sum(decisions.decisions) as figure,
        max(decisions.batch_id) as batch_id
    from decisions
    inner join (
        values
        ('decisions_total', 'refugee_status'),
        ('decisions_total', 'complementary_protection'),
        ('decisions_total', 'negative'),
        ('decisions_positive', 'refugee_status'),
        ('decisions_positive', 'complementary_protection')
    ) as figures (metric, decision)
        on decisions.decision = figures.decision
    where
        decisions.source_dataset_key = 'unhcr__asylum_decisions'
        and decisions.sex = 'T'
        and decisions.is_all_ages
        and decisions.count_unit = 'P'
        and decisions.procedure_level in ('FI', 'FA')
    group by
        decisions.country_key, decisions.period_start, decisions.period_end,
        decisions.source_dataset_key, figures.metric

),

source_rows as (

    select * from odp_arrivals
    union all
    select * from eurostat_applications
    union all
    select * from unhcr_applications
    union all
    select * from eurostat_decisions
    union all
    select * from unhcr_decisions

),

placed as (

    select
        source_rows.*,
        mart_grains.mart_grain as period_grain,
        {{ mart_period_start('source_rows.period_start') }} as mart_period_start,
        {{ mart_period_end('source_rows.period_start') }} as mart_period_end
    from source_rows
    {{ in_mart_periods(['month', 'quarter', 'year'], 'source_rows') }}
    where source_rows.figure is not null

),

per_source as (

    select
        country_key,
        mart_period_start as period_start,
        mart_period_end as period_end,
        period_grain,
        metric,
        source_dataset_key,
        sum(figure) as figure,
        {{ covered_dates('period_start', 'period_end') }} as covered,
        max(batch_id) as batch_id
    from placed
    group by
        country_key, mart_period_start, mart_period_end, period_grain, metric, source_dataset_key

),

ranked as (

    -- A country's own rule replaces the `*` rule, a grain's own row the `*` row.
    select
        per_source.*,
        {{ covered_days('per_source.covered') }} as days_covered,
        preferences.preference,
        row_number() over (
            partition by
                per_source.country_key, per_source.period_start, per_source.period_grain,
                per_source.metric, per_source.source_dataset_key
            order by
                preferences.country_key = '*',
                preferences.period_grain = '*'
        ) as rule_rank
    from per_source
    inner join preferences
        on
            per_source.metric = preferences.metric
            and per_source.source_dataset_key = preferences.source_dataset_key
            and preferences.country_key in (per_source.country_key, '*')
            and preferences.period_grain in (per_source.period_grain, '*')

),

chosen as (

    select
        *,
        count(*) over (
            partition by country_key, period_start, period_grain, metric
        ) - 1 as other_sources,
        row_number() over (
            partition by country_key, period_start, period_grain, metric
            order by
                days_covered = period_end - period_start + 1 desc,
                preference asc,
                days_covered desc
        ) as choice
    from ranked
    where rule_rank = 1

),

final as (

    select
        cast(country_key as text) as country_key,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(period_grain as text) as period_grain,
        cast(metric as text) as metric,
        cast(source_dataset_key as text) as source_dataset_key,
        cast(figure as bigint) as figure,
        cast(preference as integer) as source_preference,
        cast(choice = 1 as boolean) as is_chosen,
        cast(other_sources as integer) as other_sources,
        cast(period_end - period_start + 1 as integer) as days_in_period,
        cast(days_covered as integer) as days_covered,
        cast(days_covered = period_end - period_start + 1 as boolean) as is_complete_period,
        cast(batch_id as bigint) as latest_batch_id
    from chosen

)

select * from final
