-- Where the governance levels disagree, and by how much: for each metric, country
-- and month or year, the sum of the municipalities' reports, the national figure
-- and the international one, with their differences in persons and in per cent of
-- the figure they are compared with. Only periods where at least two of the three
-- figures exist are listed.
--   arrivals: municipalities' registrations | the national body's registrations |
--     UNHCR ODP's arrivals
--   asylum_applications: - | Eurostat (the national authorities' statistics) |
--     UNHCR (all application types; years only)
--   asylum_decisions: - | Eurostat first instance | UNHCR (all instances; years)

with

national as (

    select * from {{ ref('mart_national_situation') }}

),

applications as (

    select * from {{ ref('fct_asylum_applications') }}

),

decisions as (

    select * from {{ ref('fct_asylum_decisions') }}

),

unhcr_applications as (

    select
        country_key,
        period_start,
        sum(applications) as applications,
        max(batch_id) as batch_id
    from applications
    where
        source_dataset_key = 'unhcr__asylum_applications'
        and period_grain = 'year'
        and sex = 'T'
        and is_all_ages
    group by country_key, period_start

),

unhcr_decisions as (

    select
        country_key,
        period_start,
        sum(decisions) as decisions,
        max(batch_id) as batch_id
    from decisions
    where
        source_dataset_key = 'unhcr__asylum_decisions'
        and period_grain = 'year'
        and decision = 'total'
        and sex = 'T'
        and is_all_ages
    group by country_key, period_start

),

figures as (

    select
        'arrivals' as metric,
        country_key,
        period_start,
        period_end,
        period_grain,
        arrivals as local_sum,
        arrivals_national_report as national_figure,
        arrivals_international as international_figure,
        'submissions__registered_arrivals (municipality)' as local_source,
        'submissions__registered_arrivals (national)' as national_source,
        'unhcr_odp__arrivals_timeseries' as international_source,
        source_datasets,
        latest_batch_id,
        quality_score
    from national
    where period_grain in ('month', 'year')

    union all

    select
        'asylum_applications' as metric,
        national.country_key,
        national.period_start,
        national.period_end,
        national.period_grain,
        null as local_sum,
        national.asylum_applications as national_figure,
        unhcr_applications.applications as international_figure,
        null as local_source,
        'eurostat__asylum_applicants' as national_source,
        'unhcr__asylum_applications' as international_source,
        national.source_datasets,
        greatest(national.latest_batch_id, unhcr_applications.batch_id) as latest_batch_id,
        national.quality_score
    from national
    left join unhcr_applications
        on
            national.country_key = unhcr_applications.country_key
            and national.period_start = unhcr_applications.period_start
            and national.period_grain = 'year'
    where national.period_grain in ('month', 'year')

    union all

    select
        'asylum_decisions' as metric,
        national.country_key,
        national.period_start,
        national.period_end,
        national.period_grain,
        null as local_sum,
        national.decisions_total as national_figure,
        unhcr_decisions.decisions as international_figure,
        null as local_source,
        'eurostat__asylum_decisions_first_instance' as national_source,
        'unhcr__asylum_decisions' as international_source,
        national.source_datasets,
        greatest(national.latest_batch_id, unhcr_decisions.batch_id) as latest_batch_id,
        national.quality_score
    from national
    left join unhcr_decisions
        on
            national.country_key = unhcr_decisions.country_key
            and national.period_start = unhcr_decisions.period_start
            and national.period_grain = 'year'
    where national.period_grain = 'year'

),

comparable as (

    select * from figures
    where
        num_nonnulls(local_sum, national_figure, international_figure) >= 2

),

final as (

    select
        cast(
            {{ surrogate_key(['metric', 'country_key', 'period_start', 'period_grain']) }} as text
        ) as reconciliation_key,
        cast(metric as text) as metric,
        cast(country_key as text) as country_key,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(period_grain as text) as period_grain,
        cast(local_sum as bigint) as local_sum,
        cast(national_figure as bigint) as national_figure,
        cast(international_figure as bigint) as international_figure,
        cast(national_figure - local_sum as bigint) as national_minus_local,
        cast(
            100.0 * (national_figure - local_sum) / nullif(national_figure, 0) as numeric(9, 2)
        ) as national_minus_local_pct,
        cast(international_figure - national_figure as bigint) as international_minus_national,
        cast(
            100.0 * (international_figure - national_figure) / nullif(national_figure, 0)
            as numeric(9, 2)
        ) as international_minus_national_pct,
        cast(local_source as text) as local_source,
        cast(national_source as text) as national_source,
        cast(international_source as text) as international_source,
        cast(source_datasets as text) as source_datasets,
        cast(latest_batch_id as bigint) as latest_batch_id,
        cast(quality_score as numeric(5, 4)) as quality_score
    from comparable

)

select * from final
