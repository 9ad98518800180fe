-- The measurements behind the quality scorecard, before any score: one row per dataset,
-- geography and period at three levels (municipality, country, region group; macro
-- scoped_to_levels writes the levels once), and one row per dataset as a whole
-- (`dataset`, every dataset, also those feeding no fact). Per row: the latest promoted
-- batch (freshness is measured from it when the scorecard is read), the units expected
-- to report and those that did, the rows received and passed (failed files included),
-- and two figures of the same thing from two reporters or sources
-- (int_quality_consistency_measured); the dataset rows come from
-- int_quality_dataset_measured. mart_quality_scorecard turns them into scores with
-- their reasons.

with

contributions as (

    select * from {{ ref('int_quality_contributions_collected') }}

),

expected as (

    select * from {{ ref('int_quality_reports_expected') }}

),

batches as (

    select * from {{ ref('int_quality_batches') }}

),

sources as (

    select * from {{ ref('dim_source') }}

),

members as (

    select * from {{ ref('dim_region_group_member') }}
    where is_active_member

),

municipalities as (

    select * from {{ ref('ref_municipalities') }}

),

countries as (

    select * from {{ ref('ref_countries') }}

),

consistency as (

    select * from {{ ref('int_quality_consistency_measured') }}

),

dataset_rows as (

    select * from {{ ref('int_quality_dataset_measured') }}

),

-- ---------------------------------------------------------------- the rows

failed_files as (

    -- A municipality's file the gate failed: no fact has its rows, but it was due.
    -- Without one accepted row its period is unknown: it counts in the dataset's row.
    select
        batches.source_dataset_key,
        'municipality' as geography_level,
        batches.municipality as geography_key,
        batches.country_key,
        grains.period_grain,
        case grains.period_grain
            when 'month' then batches.period_month else batches.period_year
        end as period_start,
        batches.batch_id
    from batches
    cross join (values ('month'), ('year')) as grains (period_grain)
    where
        batches.is_failed
        and batches.municipality is not null
        and batches.period_month is not null

),

placed_batches as (

    select distinct
        source_dataset_key,
        geography_level,
        geography_key,
        country_key,
        period_grain,
        period_start,
        batch_id
    from contributions

    union

    select
        source_dataset_key,
        geography_level,
        geography_key,
        country_key,
        period_grain,
        period_start,
        batch_id
    from failed_files

),

expected_places as (

    -- Expected reporters that did not report still get a row: a municipality as
    -- itself, a national body or an API dataset's country as the country.
    select
        source_dataset_key,
        reporter_level as geography_level,
        reporter_key as geography_key,
        country_key,
        period_grain,
        period_start,
        cast(null as bigint) as batch_id
    from expected

),

scoped as (

    {{ scoped_to_levels('placed_batches', 'members') }}

),

scoped_expected as (

    {{ scoped_to_levels('expected_places', 'members') }}

),

universe as (

    select distinct
        source_dataset_key,
        scope_level,
        scope_key,
        period_grain,
        period_start,
        case when scope_level = 'region_group' then null else country_key end as country_key
    from scoped

    union

    select distinct
        source_dataset_key,
        scope_level,
        scope_key,
        period_grain,
        period_start,
        case when scope_level = 'region_group' then null else country_key end as country_key
    from scoped_expected

),

-- ---------------------------------------------------------------- freshness

municipality_reporters as (

    select distinct
        source_dataset_key,
        reporter_key
    from expected
    where reporter_level = 'municipality'

),

freshness_batches as (

    -- The batches whose age is the row's freshness. A submitted dataset: a
    -- municipality that has submitted it, its own files; any other municipality, its
    -- country's national body's; a country or region group, every file placed in it.
    -- An API dataset: its latest batch, whichever countries it changed.
    select distinct
        scoped.source_dataset_key,
        scoped.scope_level,
        scoped.scope_key,
        scoped.batch_id
    from scoped
    inner join sources
        on scoped.source_dataset_key = sources.source_dataset_key
    where sources.source = 'submissions' and scoped.scope_level <> 'municipality'

    union

    select
        batches.source_dataset_key,
        'municipality' as scope_level,
        batches.municipality as scope_key,
        batches.batch_id
    from batches
    inner join municipality_reporters
        on
            batches.source_dataset_key = municipality_reporters.source_dataset_key
            and batches.municipality = municipality_reporters.reporter_key

    union

    select
        universe.source_dataset_key,
        universe.scope_level,
        universe.scope_key,
        national_files.batch_id
    from universe
    inner join scoped as national_files
        on
            universe.source_dataset_key = national_files.source_dataset_key
            and national_files.scope_level = 'country'
            and universe.country_key = national_files.scope_key
    inner join batches
        on
            national_files.batch_id = batches.batch_id
            and batches.municipality is null
    left join municipality_reporters
        on
            universe.source_dataset_key = municipality_reporters.source_dataset_key
            and universe.scope_key = municipality_reporters.reporter_key
    where
        universe.scope_level = 'municipality'
        and municipality_reporters.reporter_key is null

    union

    select
        universe.source_dataset_key,
        universe.scope_level,
        universe.scope_key,
        batches.batch_id
    from universe
    inner join sources
        on universe.source_dataset_key = sources.source_dataset_key
    inner join batches
        on universe.source_dataset_key = batches.source_dataset_key
    where sources.source <> 'submissions'

),

latest as (

    select distinct on (
        freshness_batches.source_dataset_key,
        freshness_batches.scope_level,
        freshness_batches.scope_key
    )
        freshness_batches.source_dataset_key,
        freshness_batches.scope_level,
        freshness_batches.scope_key,
        batches.batch_id as latest_batch_id,
        batches.loaded_at as latest_loaded_at
    from freshness_batches
    inner join batches
        on freshness_batches.batch_id = batches.batch_id
    where batches.is_promoted
    order by
        freshness_batches.source_dataset_key asc,
        freshness_batches.scope_level asc,
        freshness_batches.scope_key asc,
        batches.loaded_at desc,
        batches.batch_id desc

),

-- ---------------------------------------------------------------- validity

validity as (

    -- The distinct batches placed in each geography and period, failed files included.
    select
        scoped_batches.source_dataset_key,
        scoped_batches.scope_level,
        scoped_batches.scope_key,
        scoped_batches.period_grain,
        scoped_batches.period_start,
        sum(batches.rows_received) as rows_received,
        sum(batches.rows_loaded) filter (where batches.is_promoted) as rows_passed,
        sum(batches.rows_quarantined) as rows_quarantined,
        count(*) filter (where batches.is_failed) as batches_failed
    from (
        select distinct
            source_dataset_key,
            scope_level,
            scope_key,
            period_grain,
            period_start,
            batch_id
        from scoped
    ) as scoped_batches
    inner join batches
        on scoped_batches.batch_id = batches.batch_id
    group by
        scoped_batches.source_dataset_key, scoped_batches.scope_level,
        scoped_batches.scope_key, scoped_batches.period_grain, scoped_batches.period_start

),

-- ---------------------------------------------------------------- completeness

place_reports as (

    -- A place reported when its expected reporter sent usable rows for it.
    select distinct
        source_dataset_key,
        geography_level,
        geography_key,
        reporter_key,
        period_grain,
        period_start
    from contributions

),

municipality_completeness as (

    -- A municipality: 1 expected; received when its reporter (itself once it has
    -- submitted the dataset, else its country's national body) sent rows for it.
    select
        universe.source_dataset_key,
        universe.scope_level,
        universe.scope_key,
        universe.period_grain,
        universe.period_start,
        1 as reports_expected,
        count(place_reports.reporter_key) > 0 as is_received
    from universe
    left join municipality_reporters
        on
            universe.source_dataset_key = municipality_reporters.source_dataset_key
            and universe.scope_key = municipality_reporters.reporter_key
    left join place_reports
        on
            universe.source_dataset_key = place_reports.source_dataset_key
            and place_reports.geography_level = 'municipality'
            and universe.scope_key = place_reports.geography_key
            and coalesce(municipality_reporters.reporter_key, universe.country_key)
            = place_reports.reporter_key
            and universe.period_grain = place_reports.period_grain
            and universe.period_start = place_reports.period_start
    where universe.scope_level = 'municipality'
    group by
        universe.source_dataset_key, universe.scope_level, universe.scope_key,
        universe.period_grain, universe.period_start

),

country_units as (

    -- A country's units: its municipalities for a submitted dataset (all of them
    -- are expected once the country takes part), itself for an API dataset.
    select
        countries.iso3 as country_key,
        count(*) as municipalities
    from municipalities
    inner join countries
        on municipalities.country_code = countries.iso2
    group by countries.iso3

),

country_completeness as (

    select
        universe.source_dataset_key,
        universe.scope_level,
        universe.scope_key,
        universe.period_grain,
        universe.period_start,
        case
            when sources.source = 'submissions' then country_units.municipalities
            else 1
        end as reports_expected,
        case
            when sources.source <> 'submissions'
                then least(1, count(distinct place_reports.geography_key))
            -- A national body's line for the whole country covers every municipality.
            when bool_or(place_reports.geography_level = 'country')
                then max(country_units.municipalities)
            else count(distinct place_reports.geography_key) filter (
                where place_reports.geography_level = 'municipality'
            )
        end as reports_received
    from universe
    inner join sources
        on universe.source_dataset_key = sources.source_dataset_key
    left join country_units
        on universe.scope_key = country_units.country_key
    left join contributions as place_reports
        on
            universe.source_dataset_key = place_reports.source_dataset_key
            and universe.scope_key = place_reports.country_key
            and universe.period_grain = place_reports.period_grain
            and universe.period_start = place_reports.period_start
    where universe.scope_level = 'country'
    group by
        universe.source_dataset_key, universe.scope_level, universe.scope_key,
        universe.period_grain, universe.period_start, sources.source,
        country_units.municipalities

),

region_completeness as (

    -- A region group's units are its active member countries.
    select
        universe.source_dataset_key,
        universe.scope_level,
        universe.scope_key,
        universe.period_grain,
        universe.period_start,
        (
            select count(*) from members as group_members
            where group_members.region_group_key = universe.scope_key
        ) as reports_expected,
        count(distinct place_reports.country_key) as reports_received
    from universe
    inner join members
        on universe.scope_key = members.region_group_key
    left join contributions as place_reports
        on
            universe.source_dataset_key = place_reports.source_dataset_key
            and members.country_key = place_reports.country_key
            and universe.period_grain = place_reports.period_grain
            and universe.period_start = place_reports.period_start
    where universe.scope_level = 'region_group'
    group by
        universe.source_dataset_key, universe.scope_level, universe.scope_key,
        universe.period_grain, universe.period_start

),

completeness as (

    select
        source_dataset_key,
        scope_level,
        scope_key,
        period_grain,
        period_start,
        reports_expected,
        case when is_received then 1 else 0 end as reports_received
    from municipality_completeness

    union all

    select * from country_completeness

    union all

    select * from region_completeness

),

placed_rows as (

    select
        universe.source_dataset_key,
        universe.scope_level,
        universe.scope_key,
        universe.country_key,
        universe.period_grain,
        universe.period_start,
        cast(
            universe.period_start
            + case universe.period_grain
                when 'month' then interval '1 month'
                else interval '1 year'
            end
            - interval '1 day' as date
        ) as period_end,
        latest.latest_batch_id,
        latest.latest_loaded_at,
        completeness.reports_expected,
        completeness.reports_received,
        validity.rows_received,
        validity.rows_passed,
        validity.rows_quarantined,
        validity.batches_failed,
        consistency.consistency_figure,
        consistency.consistency_reference_figure,
        consistency.consistency_compares
    from universe
    left join latest
        on
            universe.source_dataset_key = latest.source_dataset_key
            and universe.scope_level = latest.scope_level
            and universe.scope_key = latest.scope_key
    left join completeness
        on
            universe.source_dataset_key = completeness.source_dataset_key
            and universe.scope_level = completeness.scope_level
            and universe.scope_key = completeness.scope_key
            and universe.period_grain = completeness.period_grain
            and universe.period_start = completeness.period_start
    left join validity
        on
            universe.source_dataset_key = validity.source_dataset_key
            and universe.scope_level = validity.scope_level
            and universe.scope_key = validity.scope_key
            and universe.period_grain = validity.period_grain
            and universe.period_start = validity.period_start
    left join consistency
        on
            universe.source_dataset_key = consistency.source_dataset_key
            and universe.scope_level = consistency.scope_level
            and universe.scope_key = consistency.scope_key
            and universe.period_grain = consistency.period_grain
            and universe.period_start = consistency.period_start

),

unioned as (

    select * from placed_rows

    union all

    select
        source_dataset_key,
        scope_level,
        scope_key,
        country_key,
        period_grain,
        period_start,
        period_end,
        latest_batch_id,
        latest_loaded_at,
        null as reports_expected,
        null as reports_received,
        rows_received,
        rows_passed,
        rows_quarantined,
        batches_failed,
        null as consistency_figure,
        null as consistency_reference_figure,
        null as consistency_compares
    from dataset_rows

),

final as (

    select
        cast(unioned.source_dataset_key as text) as source_dataset_key,
        cast(sources.source as text) as source,
        cast(unioned.scope_level as text) as geography_level,
        cast(unioned.scope_key as text) as geography_key,
        cast(unioned.country_key as text) as country_key,
        cast(unioned.period_start as date) as period_start,
        cast(unioned.period_end as date) as period_end,
        cast(unioned.period_grain as text) as period_grain,
        cast(unioned.latest_batch_id as bigint) as latest_batch_id,
        cast(unioned.latest_loaded_at as timestamptz) as latest_loaded_at,
        cast(sources.expected_cadence_days as integer) as expected_cadence_days,
        cast(unioned.reports_expected as integer) as reports_expected,
        cast(unioned.reports_received as integer) as reports_received,
        cast(
            case
                when unioned.scope_level = 'region_group' then 'member country'
                when unioned.scope_level = 'country' and sources.source = 'submissions'
                    then 'municipality'
                when unioned.scope_level = 'dataset' then null
                else unioned.scope_level
            end as text
        ) as reporting_unit,
        cast(unioned.rows_received as bigint) as rows_received,
        cast(unioned.rows_passed as bigint) as rows_passed,
        cast(unioned.rows_quarantined as bigint) as rows_quarantined,
        cast(unioned.batches_failed as integer) as batches_failed,
        cast(unioned.consistency_figure as bigint) as consistency_figure,
        cast(unioned.consistency_reference_figure as bigint) as consistency_reference_figure,
        cast(unioned.consistency_compares as text) as consistency_compares
    from unioned
    inner join sources
        on unioned.source_dataset_key = sources.source_dataset_key

)

select * from final
