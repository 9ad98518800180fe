-- The situation of each region group (EU27, CEI, Western Balkans, South-East
-- Europe) per month (and per quarter and year: filter on period_grain): the sums of
-- its active member countries' rows of mart_national_situation, so that a regional
-- figure is always the sum of the national ones. For the headline figures the row
-- says how many members have one and which have none, so no member is missing
-- silently. The population (members' populations of the period's year) is given
-- only when every active member's is known; rates come from the metric macros.

{%- set counted = [
    'arrivals', 'arrivals_international', 'asylum_applications', 'decisions_total',
] %}

with

national as (

    select * from {{ ref('mart_national_situation') }}

),

members as (

    select * from {{ ref('dim_region_group_member') }}
    where is_active_member

),

country_populations as (

    select * from {{ ref('int_country_populations') }}

),

active_members as (

    select
        region_group_key,
        max(region_group_name) as region_group_name,
        count(*) as member_countries,
        array_agg(country_key order by country_key) as member_keys
    from members
    group by region_group_key

),

summed as (

    select
        members.region_group_key,
        national.period_start,
        national.period_end,
        national.period_grain,
        {{ summed_components('national', local_components() + country_components()) }},
        {%- for figure in counted %}
            array_agg(national.country_key order by national.country_key)
            filter (where national.{{ figure }} is not null) as {{ figure }}_country_keys,
        {%- endfor %}
        -- A region's figure is whole only where every member's figure is.
        min(national.days_covered) as days_covered,
        bool_and(national.is_complete_period) as is_complete_period,
        string_agg(
            national.country_key || ': ' || national.incomplete_figures, '; '
            order by national.country_key
        ) as incomplete_figures,
        array(
            select distinct trim(dataset_list.dataset_key) as dataset_key
            from
                unnest(
                    string_to_array(string_agg(national.source_datasets, ','), ',')
                ) as dataset_list (dataset_key)
            order by dataset_key
        ) as source_dataset_keys,
        max(national.latest_batch_id) as latest_batch_id
    from national
    inner join members
        on national.country_key = members.country_key
    group by
        members.region_group_key, national.period_start, national.period_end,
        national.period_grain

),

populations as (

    -- The members' populations of the period's year: known only when every
    -- active member's is.
    select
        summed.region_group_key,
        summed.period_start,
        summed.period_grain,
        case
            when count(country_populations.population) = count(*)
                then sum(country_populations.population)
        end as population,
        max(country_populations.reference_year) as population_reference_year
    from summed
    inner join members
        on summed.region_group_key = members.region_group_key
    left join country_populations
        on
            members.country_key = country_populations.country_key
            and extract(year from summed.period_start)
            between country_populations.valid_from_year and country_populations.valid_to_year
    group by summed.region_group_key, summed.period_start, summed.period_grain

),

final as (

    select
        cast(
            {{ surrogate_key([
                'summed.region_group_key', 'summed.period_start', 'summed.period_grain',
            ]) }}
            as text
        ) as situation_key,
        cast(summed.region_group_key as text) as region_group_key,
        cast(active_members.region_group_name as text) as region_group_name,
        cast(summed.period_start as date) as period_start,
        cast(summed.period_end as date) as period_end,
        cast(summed.period_grain as text) as period_grain,
        cast(active_members.member_countries as integer) as member_countries,
        {%- for figure in counted %}
            cast(coalesce(cardinality(summed.{{ figure }}_country_keys), 0) as integer)
                as {{ figure }}_countries,
            cast(
                nullif(
                    array_to_string(
                        array(
                            select member_list.member_key
                            from unnest(active_members.member_keys) as member_list (member_key)
                            where
                                not member_list.member_key
                                = any(coalesce(summed.{{ figure }}_country_keys, '{}'))
                            order by member_list.member_key
                        ),
                        ', '
                    ),
                    ''
                ) as text
            ) as {{ figure }}_countries_missing,
        {%- endfor %}
        cast(populations.population as bigint) as population,
        cast(populations.population_reference_year as integer) as population_reference_year,
        {{ situation_figures('summed', 'populations.population') }},
        cast(summed.period_end - summed.period_start + 1 as integer) as days_in_period,
        cast(summed.days_covered as integer) as days_covered,
        cast(
            round(
                cast(summed.days_covered as numeric)
                / (summed.period_end - summed.period_start + 1),
                4
            ) as numeric(5, 4)
        ) as period_coverage,
        cast(summed.is_complete_period as boolean) as is_complete_period,
        cast(summed.incomplete_figures as text) as incomplete_figures,
        cast(array_to_string(summed.source_dataset_keys, ', ') as text) as source_datasets,
        cast(summed.latest_batch_id as bigint) as latest_batch_id,
        {{ quality_score_of(
            'region_group', 'summed.region_group_key', 'summed.source_dataset_keys',
            'summed.period_start', 'summed.period_end',
        ) }} as quality_score
    from summed
    inner join active_members
        on summed.region_group_key = active_members.region_group_key
    inner join populations
        on
            summed.region_group_key = populations.region_group_key
            and summed.period_start = populations.period_start
            and summed.period_grain = populations.period_grain

)

select * from final
