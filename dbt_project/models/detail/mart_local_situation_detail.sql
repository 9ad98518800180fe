-- The situation of each municipality per week (and per month, quarter and year:
-- filter on period_grain, never add rows of different grains): arrivals and
-- arrivals per 1,000 inhabitants, reception occupancy, people in need and reached,
-- funds in euros. Every rate comes from the metric macros over the row's own
-- components, the same ones the national and regional marts add up.
-- Exact figures, so in `detail` (detail.mart_local_situation): a steward reads its
-- own municipality's rows; everyone reads marts.mart_local_situation, the same rows
-- with small counts suppressed.

{{ config(alias='mart_local_situation', meta={'municipality_column': 'municipality_lau_code'}) }}

with

measures as (

    select * from {{ ref('int_situation_local_measures') }}

),

geography as (

    select * from {{ ref('dim_geography') }}

),

final as (

    select
        cast(
            {{ surrogate_key([
                'measures.geography_key', 'measures.period_start', 'measures.period_grain',
            ]) }}
            as text
        ) as situation_key,
        measures.geography_key as municipality_lau_code,
        cast(geography.geography_name as text) as municipality_name,
        measures.country_key,
        measures.period_start,
        measures.period_end,
        measures.period_grain,
        cast(geography.population as bigint) as population,
        cast(geography.population_reference_year as integer) as population_reference_year,
        cast(geography.population_source as text) as population_source,
        measures.arrivals,
        cast(
            {{ per_thousand('measures.arrivals', 'geography.population') }} as numeric(12, 4)
        ) as arrivals_per_1000,
        measures.arrivals_national_report,
        measures.bed_days_capacity,
        measures.bed_days_occupied,
        cast(
            {{ occupancy_rate('measures.bed_days_occupied', 'measures.bed_days_capacity') }}
            as numeric(8, 4)
        ) as occupancy_rate,
        measures.people_in_need,
        measures.people_reached,
        measures.funding_planned_eur,
        measures.funding_disbursed_eur,
        {{ coverage_columns('measures', {
            'arrivals': covered_days('measures.arrivals_dates'),
            'arrivals_national_report': covered_days('measures.arrivals_national_report_dates'),
            'bed_days_capacity': covered_days('measures.bed_days_dates'),
            'people_in_need': covered_days('measures.needs_dates'),
            'funding_planned_eur': covered_days('measures.funding_dates'),
        }) }},
        cast(array_to_string(measures.source_dataset_keys, ', ') as text) as source_datasets,
        measures.latest_batch_id,
        {{ quality_score_of(
            'municipality', 'measures.geography_key', 'measures.source_dataset_keys',
            'measures.period_start', 'measures.period_end',
        ) }} as quality_score
    from measures
    left join geography
        on measures.geography_key = geography.geography_key

)

select * from final
