-- The measurements behind the quality scorecard, one row per dataset, geography and
-- period at three levels (municipality, country, region group), before any score:
-- the latest promoted batch and its age, reports expected and received, rows
-- received and passed by the contributing batches, and the local and national
-- arrivals compared. mart_quality_scorecard turns them into scores.

{%- set arrivals_dataset = 'submissions__registered_arrivals' %}

with

contributions as (

    select * from {{ ref('int_quality_contributions_collected') }}

),

expected as (

    select * from {{ ref('int_quality_reports_expected') }}

),

sources as (

    select * from {{ ref('dim_source') }}

),

members as (

    select * from {{ ref('dim_region_group_member') }}
    where is_active_member

),

batches as (

    select * from {{ source('ops', 'batches') }}

),

promoted_batches as (

    select
        batches.batch_id,
        sources.source_dataset_key,
        batches.municipality,
        coalesce(batches.rows_received, 0) as rows_received,
        coalesce(batches.rows_loaded, 0) as rows_loaded,
        batches.loaded_at
    from batches
    inner join sources
        on
            batches.source = sources.source
            and batches.dataset = sources.dataset
    where batches.status in ('passed', 'warned', 'partial')

),

-- ---------------------------------------------------------------- freshness

reporters as (

    select distinct
        source_dataset_key,
        reporter_key,
        reporter_level,
        country_key,
        is_submitted
    from expected

),

reporter_batches as (

    -- A submitted dataset's reporter: its own files (those its facts come from and,
    -- for a municipality, every promoted file the ledger has from it). An API
    -- dataset: every promoted batch of the dataset, whichever country it is for.
    select
        reporters.source_dataset_key,
        reporters.reporter_key,
        reporters.country_key,
        contributions.batch_id
    from reporters
    inner join contributions
        on
            reporters.source_dataset_key = contributions.source_dataset_key
            and reporters.reporter_key = contributions.reporter_key
    where reporters.is_submitted

    union

    select
        reporters.source_dataset_key,
        reporters.reporter_key,
        reporters.country_key,
        promoted_batches.batch_id
    from reporters
    inner join promoted_batches
        on
            reporters.source_dataset_key = promoted_batches.source_dataset_key
            and reporters.reporter_key = promoted_batches.municipality
    where reporters.is_submitted and reporters.reporter_level = 'municipality'

    union

    select
        reporters.source_dataset_key,
        reporters.reporter_key,
        reporters.country_key,
        promoted_batches.batch_id
    from reporters
    inner join promoted_batches
        on reporters.source_dataset_key = promoted_batches.source_dataset_key
    where not reporters.is_submitted

),

reporter_batch_times as (

    select
        reporter_batches.source_dataset_key,
        reporter_batches.reporter_key,
        reporter_batches.country_key,
        reporter_batches.batch_id,
        promoted_batches.loaded_at
    from reporter_batches
    inner join promoted_batches
        on reporter_batches.batch_id = promoted_batches.batch_id

),

reporter_latest as (

    select distinct on (source_dataset_key, reporter_key)
        source_dataset_key,
        reporter_key,
        batch_id as latest_batch_id,
        loaded_at as latest_loaded_at
    from reporter_batch_times
    order by 1 asc, 2 asc, 4 desc, 3 desc

),

country_latest as (

    select distinct on (source_dataset_key, country_key)
        source_dataset_key,
        country_key,
        batch_id as latest_batch_id,
        loaded_at as latest_loaded_at
    from reporter_batch_times
    order by 1 asc, 2 asc, 4 desc, 3 desc

),

region_latest as (

    select distinct on (reporter_batch_times.source_dataset_key, members.region_group_key)
        reporter_batch_times.source_dataset_key,
        members.region_group_key,
        reporter_batch_times.batch_id as latest_batch_id,
        reporter_batch_times.loaded_at as latest_loaded_at
    from reporter_batch_times
    inner join members
        on reporter_batch_times.country_key = members.country_key
    order by 1 asc, 2 asc, 4 desc, 3 desc

),

-- ---------------------------------------------------------------- validity

scoped_batches as (

    -- The distinct promoted batches contributing rows to each geography and period.
    select distinct
        source_dataset_key,
        'municipality' as geography_level,
        geography_key,
        period_grain,
        period_start,
        batch_id
    from contributions
    where geography_level = 'municipality'

    union

    select distinct
        source_dataset_key,
        'country' as geography_level,
        country_key as geography_key,
        period_grain,
        period_start,
        batch_id
    from contributions

    union

    select distinct
        contributions.source_dataset_key,
        'region_group' as geography_level,
        members.region_group_key as geography_key,
        contributions.period_grain,
        contributions.period_start,
        contributions.batch_id
    from contributions
    inner join members
        on contributions.country_key = members.country_key

),

scoped_rows as (

    select
        scoped_batches.source_dataset_key,
        scoped_batches.geography_level,
        scoped_batches.geography_key,
        scoped_batches.period_grain,
        scoped_batches.period_start,
        sum(promoted_batches.rows_received) as rows_received,
        sum(promoted_batches.rows_loaded) as rows_passed
    from scoped_batches
    inner join promoted_batches
        on scoped_batches.batch_id = promoted_batches.batch_id
    group by 1, 2, 3, 4, 5

),

-- ---------------------------------------------------------------- consistency

arrivals_sides as (

    -- Leaf arrivals a municipality reported for itself and the national body's
    -- figure for the same municipality and month.
    select
        source_dataset_key,
        geography_key,
        country_key,
        period_grain,
        period_start,
        sum(leaf_arrivals) filter (where reporting_level = 'municipality') as local_sum,
        sum(leaf_arrivals) filter (where reporting_level = 'national') as national_figure
    from contributions
    where
        source_dataset_key = '{{ arrivals_dataset }}'
        and geography_level = 'municipality'
    group by 1, 2, 3, 4, 5

),

arrivals_pairs as (

    -- Only where both sides exist: a missing side is not a difference.
    select * from arrivals_sides
    where local_sum is not null and national_figure is not null

),

country_pairs as (

    select
        source_dataset_key,
        country_key,
        period_grain,
        period_start,
        sum(local_sum) as local_sum,
        sum(national_figure) as national_figure
    from arrivals_pairs
    group by 1, 2, 3, 4

),

region_pairs as (

    select
        country_pairs.source_dataset_key,
        members.region_group_key,
        country_pairs.period_grain,
        country_pairs.period_start,
        sum(country_pairs.local_sum) as local_sum,
        sum(country_pairs.national_figure) as national_figure
    from country_pairs
    inner join members
        on country_pairs.country_key = members.country_key
    group by 1, 2, 3, 4

),

-- ---------------------------------------------------------------- completeness

municipality_reporters as (

    select distinct
        source_dataset_key,
        reporter_key
    from expected
    where reporter_level = 'municipality'

),

municipality_periods as (

    -- Every municipality with data for the dataset in the period, and every
    -- municipality expected to report that did not.
    select
        source_dataset_key,
        geography_key,
        country_key,
        period_grain,
        period_start
    from contributions
    where geography_level = 'municipality'

    union

    select
        source_dataset_key,
        reporter_key as geography_key,
        country_key,
        period_grain,
        period_start
    from expected
    where reporter_level = 'municipality'

),

municipality_places as (

    -- A municipality's reporter is the municipality itself once it has submitted the
    -- dataset, otherwise its country's national body.
    select
        municipality_periods.*,
        coalesce(
            municipality_reporters.reporter_key, municipality_periods.country_key
        ) as place_reporter_key
    from municipality_periods
    left join municipality_reporters
        on
            municipality_periods.source_dataset_key = municipality_reporters.source_dataset_key
            and municipality_periods.geography_key = municipality_reporters.reporter_key

),

place_reports as (

    select distinct
        source_dataset_key,
        geography_key,
        reporter_key,
        period_grain,
        period_start
    from contributions

),

municipality_rows as (

    select
        municipality_places.source_dataset_key,
        'municipality' as geography_level,
        municipality_places.geography_key,
        municipality_places.country_key,
        municipality_places.period_grain,
        municipality_places.period_start,
        reporter_latest.latest_batch_id,
        reporter_latest.latest_loaded_at,
        1 as reports_expected,
        case when place_reports.reporter_key is not null then 1 else 0 end as reports_received,
        arrivals_pairs.local_sum as consistency_local_sum,
        arrivals_pairs.national_figure as consistency_national_figure
    from municipality_places
    left join reporter_latest
        on
            municipality_places.source_dataset_key = reporter_latest.source_dataset_key
            and municipality_places.place_reporter_key = reporter_latest.reporter_key
    left join place_reports
        on
            municipality_places.source_dataset_key = place_reports.source_dataset_key
            and municipality_places.geography_key = place_reports.geography_key
            and municipality_places.place_reporter_key = place_reports.reporter_key
            and municipality_places.period_grain = place_reports.period_grain
            and municipality_places.period_start = place_reports.period_start
    left join arrivals_pairs
        on
            municipality_places.source_dataset_key = arrivals_pairs.source_dataset_key
            and municipality_places.geography_key = arrivals_pairs.geography_key
            and municipality_places.period_grain = arrivals_pairs.period_grain
            and municipality_places.period_start = arrivals_pairs.period_start

),

country_reports as (

    select
        source_dataset_key,
        country_key,
        period_grain,
        period_start,
        count(*) as reports_expected,
        count(*) filter (where is_received) as reports_received
    from expected
    group by 1, 2, 3, 4

),

country_rows as (

    select
        country_reports.source_dataset_key,
        'country' as geography_level,
        country_reports.country_key as geography_key,
        country_reports.country_key,
        country_reports.period_grain,
        country_reports.period_start,
        country_latest.latest_batch_id,
        country_latest.latest_loaded_at,
        country_reports.reports_expected,
        country_reports.reports_received,
        country_pairs.local_sum as consistency_local_sum,
        country_pairs.national_figure as consistency_national_figure
    from country_reports
    left join country_latest
        on
            country_reports.source_dataset_key = country_latest.source_dataset_key
            and country_reports.country_key = country_latest.country_key
    left join country_pairs
        on
            country_reports.source_dataset_key = country_pairs.source_dataset_key
            and country_reports.country_key = country_pairs.country_key
            and country_reports.period_grain = country_pairs.period_grain
            and country_reports.period_start = country_pairs.period_start

),

region_reports as (

    select
        country_reports.source_dataset_key,
        members.region_group_key,
        country_reports.period_grain,
        country_reports.period_start,
        sum(country_reports.reports_expected) as reports_expected,
        sum(country_reports.reports_received) as reports_received
    from country_reports
    inner join members
        on country_reports.country_key = members.country_key
    group by 1, 2, 3, 4

),

region_rows as (

    select
        region_reports.source_dataset_key,
        'region_group' as geography_level,
        region_reports.region_group_key as geography_key,
        cast(null as text) as country_key,
        region_reports.period_grain,
        region_reports.period_start,
        region_latest.latest_batch_id,
        region_latest.latest_loaded_at,
        region_reports.reports_expected,
        region_reports.reports_received,
        region_pairs.local_sum as consistency_local_sum,
        region_pairs.national_figure as consistency_national_figure
    from region_reports
    left join region_latest
        on
            region_reports.source_dataset_key = region_latest.source_dataset_key
            and region_reports.region_group_key = region_latest.region_group_key
    left join region_pairs
        on
            region_reports.source_dataset_key = region_pairs.source_dataset_key
            and region_reports.region_group_key = region_pairs.region_group_key
            and region_reports.period_grain = region_pairs.period_grain
            and region_reports.period_start = region_pairs.period_start

),

unioned as (

    select * from municipality_rows
    union all
    select * from country_rows
    union all
    select * from region_rows

),

final as (

    select
        cast(unioned.source_dataset_key as text) as source_dataset_key,
        cast(sources.source as text) as source,
        cast(unioned.geography_level as text) as geography_level,
        cast(unioned.geography_key as text) as geography_key,
        cast(unioned.country_key as text) as country_key,
        cast(unioned.period_start as date) as period_start,
        cast(
            unioned.period_start
            + case unioned.period_grain
                when 'month' then interval '1 month'
                else interval '1 year'
            end
            - interval '1 day' as date
        ) as period_end,
        cast(unioned.period_grain as text) as period_grain,
        cast(unioned.latest_batch_id as bigint) as latest_batch_id,
        cast(unioned.latest_loaded_at as timestamptz) as latest_loaded_at,
        cast(sources.expected_cadence_days as integer) as expected_cadence_days,
        -- Whole days from the latest promoted batch to the build.
        cast(
            greatest(
                0, floor(extract(epoch from current_timestamp - unioned.latest_loaded_at) / 86400)
            ) as integer
        ) as freshness_age_days,
        cast(unioned.reports_expected as integer) as reports_expected,
        cast(unioned.reports_received as integer) as reports_received,
        cast(scoped_rows.rows_received as bigint) as rows_received,
        cast(scoped_rows.rows_passed as bigint) as rows_passed,
        cast(unioned.consistency_local_sum as bigint) as consistency_local_sum,
        cast(unioned.consistency_national_figure as bigint) as consistency_national_figure
    from unioned
    inner join sources
        on unioned.source_dataset_key = sources.source_dataset_key
    left join scoped_rows
        on
            unioned.source_dataset_key = scoped_rows.source_dataset_key
            and unioned.geography_level = scoped_rows.geography_level
            and unioned.geography_key = scoped_rows.geography_key
            and unioned.period_grain = scoped_rows.period_grain
            and unioned.period_start = scoped_rows.period_start

)

select * from final
