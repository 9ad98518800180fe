-- Consistency: two figures of the same thing from two reporters or two sources, per
-- dataset, geography (municipality, country, region group; macro scoped_to_levels)
-- and period. Registered arrivals: the municipalities' own registrations against the
-- national body's for the same municipality-periods (both by the rule for several
-- authorities, as the marts count them). Asylum applications and decisions: UNHCR's
-- yearly figure against Eurostat's whole-year figure, on the rows of both datasets.
-- mart_quality_scorecard scores the gap against a tolerance.

{%- set arrivals_dataset = 'submissions__registered_arrivals' %}

with

local_measures as (

    select * from {{ ref('int_situation_local_measures') }}

),

source_figures as (

    select * from {{ ref('int_situation_national_figures') }}

),

members as (

    select * from {{ ref('dim_region_group_member') }}
    where is_active_member

),

arrivals_pairs as (

    -- The arrivals a municipality reported for itself against the national body's for
    -- the same municipality and period, each by the rule for several authorities
    -- (as the marts count them): only where both exist.
    select
        '{{ arrivals_dataset }}' as source_dataset_key,
        'municipality' as geography_level,
        geography_key,
        country_key,
        period_grain,
        period_start,
        arrivals as figure,
        arrivals_national_report as reference_figure
    from local_measures
    where
        period_grain in ('month', 'year')
        and arrivals is not null
        and arrivals_national_report is not null

),

source_pairs as (

    -- UNHCR's yearly figure against Eurostat's whole-year figure (the one the
    -- preference rule ranks first among Eurostat's), on the rows of both datasets.
    select
        compared.source_dataset_key,
        'country' as geography_level,
        compared.country_key as geography_key,
        compared.country_key,
        compared.period_grain,
        compared.period_start,
        unhcr.figure,
        eurostat.figure as reference_figure
    from source_figures as unhcr
    inner join source_figures as eurostat
        on
            unhcr.country_key = eurostat.country_key
            and unhcr.metric = eurostat.metric
            and unhcr.period_grain = eurostat.period_grain
            and unhcr.period_start = eurostat.period_start
            and eurostat.source_dataset_key like 'eurostat%'
            and eurostat.is_complete_period
    inner join source_figures as compared
        on
            unhcr.country_key = compared.country_key
            and unhcr.metric = compared.metric
            and unhcr.period_grain = compared.period_grain
            and unhcr.period_start = compared.period_start
            and compared.source_dataset_key in (
                unhcr.source_dataset_key, eurostat.source_dataset_key
            )
    where
        unhcr.source_dataset_key like 'unhcr\_\_%'
        and unhcr.metric in ('asylum_applications', 'decisions_total')
        and unhcr.period_grain = 'year'
        and not exists (
            select 1 from source_figures as better
            where
                better.country_key = eurostat.country_key
                and better.metric = eurostat.metric
                and better.period_grain = eurostat.period_grain
                and better.period_start = eurostat.period_start
                and better.source_dataset_key like 'eurostat%'
                and better.is_complete_period
                and better.source_preference < eurostat.source_preference
        )

),

compared_pairs as (

    select * from arrivals_pairs
    union all
    select * from source_pairs

),

scoped_pairs as (

    {{ scoped_to_levels('compared_pairs', 'members') }}

),

consistency as (

    select
        source_dataset_key,
        scope_level,
        scope_key,
        period_grain,
        period_start,
        sum(figure) as consistency_figure,
        sum(reference_figure) as consistency_reference_figure,
        case
            when source_dataset_key = '{{ arrivals_dataset }}'
                then 'the municipalities'' own registrations against the national body''s'
            else 'UNHCR''s figure against Eurostat''s'
        end as consistency_compares
    from scoped_pairs
    group by 1, 2, 3, 4, 5

),

final as (

    select
        cast(source_dataset_key as text) as source_dataset_key,
        cast(scope_level as text) as scope_level,
        cast(scope_key as text) as scope_key,
        cast(period_grain as text) as period_grain,
        cast(period_start as date) as period_start,
        cast(consistency_figure as bigint) as consistency_figure,
        cast(consistency_reference_figure as bigint) as consistency_reference_figure,
        cast(consistency_compares as text) as consistency_compares
    from consistency

)

select * from final
