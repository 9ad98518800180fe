-- The situation of each region group (EU27, CEI, Western Balkans, South-East
-- Europe) per month (and per quarter and year: filter on period_grain): the sums of
-- its active member countries' rows of mart_national_situation, so that a regional
-- figure is always the sum of the national ones. Rates come from the metric macros
-- over the summed components. The population, and so arrivals per 1,000, is given
-- only when every active member's population is known.

with

national as (

    select * from {{ ref('mart_national_situation') }}

),

members as (

    select * from {{ ref('dim_region_group_member') }}

),

active_members as (

    select
        region_group_key,
        max(region_group_name) as region_group_name,
        count(*) as member_countries
    from members
    where is_active_member
    group by region_group_key

),

country_populations as (

    select distinct
        country_key,
        population,
        population_reference_year
    from national

),

populations as (

    -- The members' populations, whatever the period: a group's is known only when
    -- every active member's is.
    select
        members.region_group_key,
        case
            when bool_and(country_populations.population is not null)
                then sum(country_populations.population)
        end as population,
        max(country_populations.population_reference_year) as population_reference_year
    from members
    left join country_populations
        on members.country_key = country_populations.country_key
    where members.is_active_member
    group by members.region_group_key

),

summed as (

    select
        members.region_group_key,
        national.period_start,
        national.period_end,
        national.period_grain,
        sum(national.arrivals) as arrivals,
        sum(national.arrivals_national_report) as arrivals_national_report,
        sum(national.arrivals_international) as arrivals_international,
        sum(national.bed_days_capacity) as bed_days_capacity,
        sum(national.bed_days_occupied) as bed_days_occupied,
        sum(national.asylum_applications) as asylum_applications,
        sum(national.first_time_applications) as first_time_applications,
        sum(national.decisions_total) as decisions_total,
        sum(national.decisions_positive) as decisions_positive,
        sum(national.people_in_need) as people_in_need,
        sum(national.people_reached) as people_reached,
        sum(national.funding_planned_eur) as funding_planned_eur,
        sum(national.funding_disbursed_eur) as funding_disbursed_eur,
        count(*) as countries_reporting,
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
        on
            national.country_key = members.country_key
            and members.is_active_member
    group by
        members.region_group_key, national.period_start, national.period_end,
        national.period_grain

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
        cast(summed.countries_reporting as integer) as countries_reporting,
        cast(populations.population as bigint) as population,
        cast(populations.population_reference_year as integer) as population_reference_year,
        {{ situation_figures('summed', 'populations.population') }},
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
        on summed.region_group_key = populations.region_group_key

)

select * from final
