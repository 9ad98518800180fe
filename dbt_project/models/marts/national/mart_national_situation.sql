-- The situation of each country per month (and per quarter and year: filter on
-- period_grain, never add rows of different grains). The components its
-- municipalities feed (arrivals, bed-days, needs, funds) are the sums of
-- mart_local_situation's rows of the same period; UNHCR's arrivals and asylum
-- applications and decisions exist per country only, each from the dataset the
-- source-preference rule picks (its `_source` column). Funds add the national
-- bodies' lines for the country as a whole to the municipalities' lines. Rates come
-- from the metric macros over the summed components; the coverage columns say how
-- much of the period the figures cover.

with

local_measures as (

    select * from {{ ref('int_situation_local_measures') }}

),

national_measures as (

    select * from {{ ref('int_situation_national_measures') }}

),

countries as (

    select * from {{ ref('dim_country') }}

),

populations as (

    select * from {{ ref('int_country_populations') }}

),

local_sums as (

    select
        local_measures.country_key,
        local_measures.period_start,
        local_measures.period_end,
        local_measures.period_grain,
        {{ summed_components('local_measures', local_components()) }},
        count(distinct local_measures.geography_key) as municipalities_reporting,
        range_agg(local_measures.arrivals_dates) as arrivals_dates,
        range_agg(local_measures.arrivals_national_report_dates)
            as arrivals_national_report_dates,
        range_agg(local_measures.bed_days_dates) as bed_days_dates,
        range_agg(local_measures.needs_dates) as needs_dates,
        range_agg(local_measures.funding_dates) as funding_dates,
        string_to_array(
            string_agg(array_to_string(local_measures.source_dataset_keys, ','), ','), ','
        ) as source_dataset_keys,
        max(local_measures.latest_batch_id) as latest_batch_id
    from local_measures
    where local_measures.period_grain in ('month', 'quarter', 'year')
    group by
        local_measures.country_key, local_measures.period_start, local_measures.period_end,
        local_measures.period_grain

),

joined as (

    select
        coalesce(local_sums.country_key, national_measures.country_key) as country_key,
        coalesce(local_sums.period_start, national_measures.period_start) as period_start,
        coalesce(local_sums.period_end, national_measures.period_end) as period_end,
        coalesce(local_sums.period_grain, national_measures.period_grain) as period_grain,
        local_sums.arrivals,
        local_sums.arrivals_national_report,
        national_measures.arrivals_international,
        national_measures.arrivals_international_source,
        national_measures.arrivals_international_days,
        local_sums.bed_days_capacity,
        local_sums.bed_days_occupied,
        national_measures.asylum_applications,
        national_measures.asylum_applications_source,
        national_measures.asylum_applications_days,
        national_measures.first_time_applications,
        national_measures.first_time_applications_days,
        national_measures.decisions_total,
        national_measures.decisions_total_source,
        national_measures.decisions_total_days,
        national_measures.decisions_positive,
        national_measures.decisions_positive_days,
        local_sums.arrivals_dates,
        local_sums.arrivals_national_report_dates,
        local_sums.bed_days_dates,
        local_sums.needs_dates,
        coalesce(local_sums.funding_dates, '{}')
        + coalesce(national_measures.funding_dates, '{}') as funding_dates,
        local_sums.people_in_need,
        local_sums.people_reached,
        -- Municipalities' lines plus the national bodies' lines for the whole country.
        case
            when
                coalesce(local_sums.funding_planned_eur, national_measures.funding_planned_eur)
                is not null
                then
                    coalesce(local_sums.funding_planned_eur, 0)
                    + coalesce(national_measures.funding_planned_eur, 0)
        end as funding_planned_eur,
        case
            when
                coalesce(local_sums.funding_disbursed_eur, national_measures.funding_disbursed_eur)
                is not null
                then
                    coalesce(local_sums.funding_disbursed_eur, 0)
                    + coalesce(national_measures.funding_disbursed_eur, 0)
        end as funding_disbursed_eur,
        coalesce(local_sums.municipalities_reporting, 0) as municipalities_reporting,
        array(
            select distinct dataset_list.dataset_key
            from
                unnest(
                    coalesce(local_sums.source_dataset_keys, '{}')
                    || coalesce(national_measures.source_dataset_keys, '{}')
                ) as dataset_list (dataset_key)
            order by dataset_list.dataset_key
        ) as source_dataset_keys,
        greatest(local_sums.latest_batch_id, national_measures.latest_batch_id)
            as latest_batch_id
    from local_sums
    full outer join national_measures
        on
            local_sums.country_key = national_measures.country_key
            and local_sums.period_start = national_measures.period_start
            and local_sums.period_grain = national_measures.period_grain

),

final as (

    select
        cast(
            {{ surrogate_key([
                'joined.country_key', 'joined.period_start', 'joined.period_grain',
            ]) }}
            as text
        ) as situation_key,
        cast(joined.country_key as text) as country_key,
        cast(countries.country_name as text) as country_name,
        cast(joined.period_start as date) as period_start,
        cast(joined.period_end as date) as period_end,
        cast(joined.period_grain as text) as period_grain,
        cast(populations.population as bigint) as population,
        cast(populations.reference_year as integer) as population_reference_year,
        cast(populations.population_source as text) as population_source,
        {{ situation_figures('joined', 'populations.population') }},
        cast(joined.arrivals_international_source as text) as arrivals_international_source,
        cast(joined.asylum_applications_source as text) as asylum_applications_source,
        cast(joined.decisions_total_source as text) as decisions_source,
        {{ coverage_columns('joined', {
            'arrivals': covered_days('joined.arrivals_dates'),
            'arrivals_national_report': covered_days('joined.arrivals_national_report_dates'),
            'arrivals_international': 'joined.arrivals_international_days',
            'bed_days_capacity': covered_days('joined.bed_days_dates'),
            'asylum_applications': 'joined.asylum_applications_days',
            'first_time_applications': 'joined.first_time_applications_days',
            'decisions_total': 'joined.decisions_total_days',
            'people_in_need': covered_days('joined.needs_dates'),
            'funding_planned_eur': covered_days('joined.funding_dates'),
        }) }},
        cast(joined.municipalities_reporting as integer) as municipalities_reporting,
        cast(array_to_string(joined.source_dataset_keys, ', ') as text) as source_datasets,
        cast(joined.latest_batch_id as bigint) as latest_batch_id,
        {{ quality_score_of(
            'country', 'joined.country_key', 'joined.source_dataset_keys',
            'joined.period_start', 'joined.period_end',
        ) }} as quality_score
    from joined
    left join countries
        on joined.country_key = countries.country_key
    left join populations
        on
            joined.country_key = populations.country_key
            and extract(year from joined.period_start)
            between populations.valid_from_year and populations.valid_to_year

)

select * from final
