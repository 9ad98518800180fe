-- The quality scorecard: one row per dataset, geography (municipality, country or
-- region group) and period, with the four component scores and their weighted mean.
-- The formula is in the docs block `mart_quality_scorecard` (_quality__docs.md);
-- every score is rounded to 4 decimals and quality_score is computed from the
-- rounded components, so that it can be recomputed from the columns shown.

with

measured as (

    select * from {{ ref('int_quality_scorecard_measured') }}

),

components as (

    select
        *,
        round(
            case
                when freshness_age_days is null or expected_cadence_days is null then null
                when freshness_age_days <= expected_cadence_days then 1
                when freshness_age_days >= 3 * expected_cadence_days then 0
                else
                    1 - cast(freshness_age_days - expected_cadence_days as numeric)
                    / (2 * expected_cadence_days)
            end, 4
        ) as freshness_score,
        round(
            cast(reports_received as numeric) / nullif(reports_expected, 0), 4
        ) as completeness_score,
        round(cast(rows_passed as numeric) / nullif(rows_received, 0), 4) as validity_score,
        round(
            case
                when consistency_local_sum is null or consistency_national_figure is null
                    then null
                when consistency_national_figure = 0
                    then case when consistency_local_sum = 0 then 1 else 0 end
                else
                    1 - least(
                        1,
                        abs(consistency_local_sum - consistency_national_figure)
                        / cast(consistency_national_figure as numeric)
                    )
            end, 4
        ) as consistency_score
    from measured

),

weighted as (

    -- Weights 0.25, 0.25, 0.30, 0.20, re-normalised over the components present.
    select
        *,
        round(
            (
                coalesce(0.25 * freshness_score, 0)
                + coalesce(0.25 * completeness_score, 0)
                + coalesce(0.30 * validity_score, 0)
                + coalesce(0.20 * consistency_score, 0)
            )
            / nullif(
                case when freshness_score is null then 0 else 0.25 end
                + case when completeness_score is null then 0 else 0.25 end
                + case when validity_score is null then 0 else 0.30 end
                + case when consistency_score is null then 0 else 0.20 end,
                0
            ), 4
        ) as quality_score
    from components

),

final as (

    select
        cast(
            {{ surrogate_key([
                'source_dataset_key', 'geography_level', 'geography_key',
                'period_start', 'period_grain',
            ]) }} as text
        ) as scorecard_key,
        cast(source_dataset_key as text) as source_dataset_key,
        cast(source as text) as source,
        cast(geography_level as text) as geography_level,
        cast(geography_key as text) as geography_key,
        cast(country_key as text) as country_key,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(period_grain as text) as period_grain,
        cast(latest_batch_id as bigint) as latest_batch_id,
        cast(latest_loaded_at as timestamptz) as latest_loaded_at,
        cast(expected_cadence_days as integer) as expected_cadence_days,
        cast(freshness_age_days as integer) as freshness_age_days,
        cast(freshness_score as numeric) as freshness_score,
        cast(reports_expected as integer) as reports_expected,
        cast(reports_received as integer) as reports_received,
        cast(completeness_score as numeric) as completeness_score,
        cast(rows_received as bigint) as rows_received,
        cast(rows_passed as bigint) as rows_passed,
        cast(validity_score as numeric) as validity_score,
        cast(consistency_local_sum as bigint) as consistency_local_sum,
        cast(consistency_national_figure as bigint) as consistency_national_figure,
        cast(consistency_score as numeric) as consistency_score,
        cast(quality_score as numeric) as quality_score,
        cast(
            case
                when quality_score >= 0.9 then 'good'
                when quality_score >= 0.7 then 'fair'
                when quality_score is not null then 'poor'
            end as text
        ) as quality_band
    from weighted

)

select * from final
