-- The municipalities' registrations compared with the national body's, per
-- municipality and month or year, and each authority's own figure at each place:
-- one row per municipality, period, reporter, authority and place, with the two
-- reporters' figures for the municipality (each by the rule for several authorities,
-- macro arrivals_authority_rule) and their difference. `counts_in_figure` says
-- whether the rule counts the authority's figure. Exact figures, so in `detail`: a
-- steward reads its own municipality's rows.

{{ config(meta={'municipality_column': 'municipality_lau_code'}) }}

with

arrivals as (

    select * from {{ ref('fct_arrivals') }}

),

measures as (

    select * from {{ ref('int_situation_local_measures') }}

),

geography as (

    select * from {{ ref('dim_geography') }}

),

by_place as (

    {{ arrivals_by_place('arrivals') }}

),

placed as (

    select
        by_place.geography_key,
        by_place.country_key,
        mart_grains.mart_grain as period_grain,
        {{ mart_period_start('by_place.period_start') }} as period_start,
        {{ mart_period_end('by_place.period_start') }} as period_end,
        by_place.reporting_level,
        by_place.reporting_authority,
        by_place.location_code,
        by_place.location_type,
        by_place.arrivals,
        by_place.batch_id
    from by_place
    {{ in_mart_periods(['month', 'year'], 'by_place') }}

),

authorities as (

    select
        geography_key,
        max(country_key) as country_key,
        period_start,
        period_end,
        period_grain,
        reporting_level,
        reporting_authority,
        location_code,
        location_type,
        sum(arrivals) as arrivals,
        max(batch_id) as batch_id
    from placed
    group by
        geography_key, period_start, period_end, period_grain, reporting_level,
        reporting_authority, location_code, location_type

),

ruled as (

    -- Rule 1: a place's figure is its largest authority's. Rules 2 and 3: the
    -- crossing points added up, against the municipality's own registrations.
    select
        *,
        arrivals = max(arrivals) over (
            partition by
                geography_key, period_start, period_grain, reporting_level, location_code
        ) as is_place_figure,
        location_type = 'border_crossing' as is_crossing
    from authorities

),

group_sums as (

    select
        *,
        sum(case when is_place_figure and is_crossing then arrivals end) over (
            partition by geography_key, period_start, period_grain, reporting_level
        ) as crossings_figure,
        sum(case when is_place_figure and not is_crossing then arrivals end) over (
            partition by geography_key, period_start, period_grain, reporting_level
        ) as own_figure
    from ruled

),

final as (

    select
        cast(
            {{ surrogate_key([
                'group_sums.geography_key', 'group_sums.period_start', 'group_sums.period_grain',
                'group_sums.reporting_level', 'group_sums.reporting_authority',
                'group_sums.location_code',
            ]) }} as text
        ) as reconciliation_key,
        cast(group_sums.geography_key as text) as municipality_lau_code,
        cast(geography.geography_name as text) as municipality_name,
        cast(group_sums.country_key as text) as country_key,
        cast(group_sums.period_start as date) as period_start,
        cast(group_sums.period_end as date) as period_end,
        cast(group_sums.period_grain as text) as period_grain,
        cast(group_sums.reporting_level as text) as reporting_level,
        cast(nullif(group_sums.reporting_authority, '') as text) as reporting_authority,
        cast(group_sums.location_code as text) as location_code,
        cast(group_sums.location_type as text) as location_type,
        cast(group_sums.arrivals as bigint) as arrivals,
        cast(
            group_sums.is_place_figure
            and (
                (
                    group_sums.is_crossing
                    and group_sums.crossings_figure >= coalesce(group_sums.own_figure, 0)
                )
                or (
                    not group_sums.is_crossing
                    and group_sums.own_figure > coalesce(group_sums.crossings_figure, 0)
                )
            ) as boolean
        ) as counts_in_figure,
        cast(measures.arrivals as bigint) as municipality_figure,
        cast(measures.arrivals_national_report as bigint) as national_figure,
        cast(measures.arrivals_national_report - measures.arrivals as bigint)
            as national_minus_local,
        cast(
            100.0 * (measures.arrivals_national_report - measures.arrivals)
            / nullif(measures.arrivals_national_report, 0) as numeric(9, 2)
        ) as national_minus_local_pct,
        cast(group_sums.batch_id as bigint) as batch_id
    from group_sums
    left join measures
        on
            group_sums.geography_key = measures.geography_key
            and group_sums.period_start = measures.period_start
            and group_sums.period_grain = measures.period_grain
    left join geography
        on group_sums.geography_key = geography.geography_key

)

select * from final
