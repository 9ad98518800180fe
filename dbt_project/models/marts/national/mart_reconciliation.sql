-- Where the governance levels and the sources disagree, and by how much: for each
-- metric, country and month or year, two or three figures of the same thing with
-- their differences in persons and in per cent of the figure they are compared with.
-- Only periods where at least two figures exist are listed.
--   arrivals: the municipalities' registrations | the national body's, for the
--     same municipalities only (like for like; municipalities_compared says how
--     many), each reduced by the rule for several authorities
--   arrivals_international: - | the national body's registrations | UNHCR ODP
--   asylum_applications: - | Eurostat | UNHCR (new and repeat, persons; years)
--   asylum_decisions: - | Eurostat first instance | UNHCR first instance (years)
-- The municipalities' own comparison, per authority, is detail.mart_reconciliation_local.

with

local_measures as (

    select * from {{ ref('int_situation_local_measures') }}

),

national as (

    select * from {{ ref('mart_national_situation') }}

),

candidates as (

    select * from {{ ref('int_situation_national_figures') }}

),

paired_municipalities as (

    -- Like for like: only municipalities for which both sides reported the period.
    select
        country_key,
        period_start,
        period_end,
        period_grain,
        sum(arrivals) filter (where arrivals_national_report is not null) as local_sum,
        sum(arrivals_national_report) filter (where arrivals is not null) as national_figure,
        count(*) filter (
            where arrivals is not null and arrivals_national_report is not null
        ) as municipalities_compared,
        max(latest_batch_id) as latest_batch_id
    from local_measures
    where period_grain in ('month', 'year')
    group by country_key, period_start, period_end, period_grain

),

source_pairs as (

    -- Eurostat's figure (the complete one the preference rule ranks first among
    -- Eurostat's datasets) against UNHCR's, for the same country and period.
    select
        country_key,
        period_start,
        period_end,
        period_grain,
        case metric when 'decisions_total' then 'asylum_decisions' else metric end as metric,
        (array_agg(figure order by source_preference) filter (
            where source_dataset_key like 'eurostat%' and is_complete_period
        ))[1] as national_figure,
        (array_agg(source_dataset_key order by source_preference) filter (
            where source_dataset_key like 'eurostat%' and is_complete_period
        ))[1] as national_source,
        max(figure) filter (where source_dataset_key like 'unhcr\_\_%') as international_figure,
        max(source_dataset_key) filter (
            where source_dataset_key like 'unhcr\_\_%'
        ) as international_source,
        max(latest_batch_id) as latest_batch_id
    from candidates
    where
        metric in ('asylum_applications', 'decisions_total')
        and period_grain in ('month', 'year')
    group by country_key, period_start, period_end, period_grain, metric

),

figures as (

    select
        'arrivals' as metric,
        national.country_key,
        national.period_start,
        national.period_end,
        national.period_grain,
        paired_municipalities.local_sum,
        paired_municipalities.national_figure,
        null as international_figure,
        paired_municipalities.municipalities_compared,
        'submissions__registered_arrivals (municipality)' as local_source,
        'submissions__registered_arrivals (national)' as national_source,
        null as international_source,
        national.is_complete_period,
        national.incomplete_figures,
        national.source_datasets,
        paired_municipalities.latest_batch_id,
        national.quality_score
    from national
    inner join paired_municipalities
        on
            national.country_key = paired_municipalities.country_key
            and national.period_start = paired_municipalities.period_start
            and national.period_grain = paired_municipalities.period_grain

    union all

    select
        'arrivals_international' as metric,
        country_key,
        period_start,
        period_end,
        period_grain,
        null as local_sum,
        arrivals_national_report as national_figure,
        arrivals_international as international_figure,
        null as municipalities_compared,
        null as local_source,
        'submissions__registered_arrivals (national)' as national_source,
        arrivals_international_source as international_source,
        is_complete_period,
        incomplete_figures,
        source_datasets,
        latest_batch_id,
        quality_score
    from national
    where period_grain in ('month', 'year')

    union all

    select
        source_pairs.metric,
        source_pairs.country_key,
        source_pairs.period_start,
        source_pairs.period_end,
        source_pairs.period_grain,
        null as local_sum,
        source_pairs.national_figure,
        source_pairs.international_figure,
        null as municipalities_compared,
        null as local_source,
        source_pairs.national_source,
        source_pairs.international_source,
        -- Eurostat's figure is a whole period's by choice; UNHCR's are yearly.
        coalesce(national.is_complete_period, true) as is_complete_period,
        national.incomplete_figures,
        national.source_datasets,
        source_pairs.latest_batch_id,
        national.quality_score
    from source_pairs
    left join national
        on
            source_pairs.country_key = national.country_key
            and source_pairs.period_start = national.period_start
            and source_pairs.period_grain = national.period_grain

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
        cast(municipalities_compared as integer) as municipalities_compared,
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
        cast(is_complete_period as boolean) as is_complete_period,
        cast(incomplete_figures as text) as incomplete_figures,
        cast(source_datasets as text) as source_datasets,
        cast(latest_batch_id as bigint) as latest_batch_id,
        cast(quality_score as numeric(5, 4)) as quality_score
    from comparable

)

select * from final
