-- Who was expected to report what: one row per dataset, reporter and scorecard period
-- in which the reporter was expected, and whether it reported. A dataset's periods
-- are those in which any reporter sent data for it. A municipality or national body
-- is expected for a submitted dataset from the first period it sent (once it has
-- submitted it); a country is expected for an API dataset in every period of the
-- dataset once the dataset has ever had data for it.

with

contributions as (

    select * from {{ ref('int_quality_contributions_collected') }}

),

sources as (

    select * from {{ ref('dim_source') }}

),

dataset_periods as (

    select distinct
        source_dataset_key,
        period_grain,
        period_start
    from contributions

),

reporters as (

    select
        contributions.source_dataset_key,
        contributions.reporter_key,
        contributions.reporter_level,
        contributions.country_key,
        contributions.period_grain,
        sources.source = 'submissions' as is_submitted,
        min(contributions.period_start) as first_period_start
    from contributions
    inner join sources
        on contributions.source_dataset_key = sources.source_dataset_key
    group by 1, 2, 3, 4, 5, 6

),

reported as (

    select distinct
        source_dataset_key,
        reporter_key,
        period_grain,
        period_start
    from contributions

),

expected as (

    select
        reporters.source_dataset_key,
        reporters.reporter_key,
        reporters.reporter_level,
        reporters.country_key,
        reporters.is_submitted,
        dataset_periods.period_grain,
        dataset_periods.period_start,
        reporters.first_period_start
    from reporters
    inner join dataset_periods
        on
            reporters.source_dataset_key = dataset_periods.source_dataset_key
            and reporters.period_grain = dataset_periods.period_grain
    where
        not reporters.is_submitted
        or dataset_periods.period_start >= reporters.first_period_start

),

final as (

    select
        cast(expected.source_dataset_key as text) as source_dataset_key,
        cast(expected.reporter_key as text) as reporter_key,
        cast(expected.reporter_level as text) as reporter_level,
        cast(expected.country_key as text) as country_key,
        cast(expected.is_submitted as boolean) as is_submitted,
        cast(expected.period_grain as text) as period_grain,
        cast(expected.period_start as date) as period_start,
        cast(expected.first_period_start as date) as first_period_start,
        cast(reported.reporter_key is not null as boolean) as is_received
    from expected
    left join reported
        on
            expected.source_dataset_key = reported.source_dataset_key
            and expected.reporter_key = reported.reporter_key
            and expected.period_grain = reported.period_grain
            and expected.period_start = reported.period_start

)

select * from final
