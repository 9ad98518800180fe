-- The situation of each municipality per week, month, quarter and year, as published
-- for everyone: detail.mart_local_situation with statistical disclosure control. A
-- person count from 1 to 4 is suppressed (null, `<count>_suppression` = 'small'), and
-- where a country's municipalities in a period have one such cell, their smallest
-- other one too ('secondary'), so that the national figure (their sum) never gives
-- it away. A rate over a suppressed count is suppressed with it.

with

exact as (

    select * from {{ ref('mart_local_situation_detail') }}

),

{{ disclose_counts(
    'exact',
    counts=[
        'arrivals', 'arrivals_national_report', 'bed_days_occupied',
        'people_in_need', 'people_reached',
    ],
    group_by=['country_key', 'period_start', 'period_grain'],
    tie_breaker='municipality_lau_code',
) }},

final as (

    select
        situation_key,
        municipality_lau_code,
        municipality_name,
        country_key,
        period_start,
        period_end,
        period_grain,
        population,
        population_reference_year,
        population_source,
        {{ disclosed('arrivals') }} as arrivals,
        {{ disclosed_with('arrivals_per_1000', 'arrivals') }} as arrivals_per_1000,
        {{ disclosed('arrivals_national_report') }} as arrivals_national_report,
        bed_days_capacity,
        {{ disclosed('bed_days_occupied') }} as bed_days_occupied,
        {{ disclosed_with('occupancy_rate', 'bed_days_occupied') }} as occupancy_rate,
        {{ disclosed('people_in_need') }} as people_in_need,
        {{ disclosed('people_reached') }} as people_reached,
        funding_planned_eur,
        funding_disbursed_eur,
        days_in_period,
        days_covered,
        period_coverage,
        is_complete_period,
        incomplete_figures,
        source_datasets,
        latest_batch_id,
        quality_score,
        arrivals_suppression,
        arrivals_national_report_suppression,
        bed_days_occupied_suppression,
        people_in_need_suppression,
        people_reached_suppression
    from exact__disclosed

)

select * from final
