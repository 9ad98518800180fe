-- The quality scorecard: one row per dataset, geography (municipality, country or
-- region group) and period, and one per dataset as a whole, with the four component
-- scores, their weighted mean and, beside each score, the reason for it. A view:
-- freshness is measured when it is read, so a stopped pipeline's figures grow stale.
-- The formula is in the docs block `mart_quality_scorecard` (_quality__docs.md);
-- every score is rounded to 4 decimals and quality_score is computed from the rounded
-- components, so that it can be recomputed from the columns shown.

{{ config(materialized='view') }}

with

measured as (

    select * from {{ ref('int_quality_scorecard_measured') }}

),

aged as (

    select
        *,
        -- Whole days from the latest promoted batch to now (greatest() skips nulls).
        cast(
            case
                when latest_loaded_at is not null
                    then
                        greatest(
                            0,
                            floor(
                                extract(epoch from {{ scorecard_now() }} - latest_loaded_at)
                                / 86400
                            )
                        )
            end as integer
        ) as freshness_age_days
    from measured

),

components as (

    select
        *,
        round(
            case
                when latest_batch_id is null and geography_level = 'dataset' then 0
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
        round(
            case
                when rows_received > 0
                    then cast(coalesce(rows_passed, 0) as numeric) / rows_received
                when batches_failed > 0 then 0
            end, 4
        ) as validity_score,
        round(
            {{ consistency_score('consistency_figure', 'consistency_reference_figure') }}, 4
        ) as consistency_score
    from aged

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
        cast(
            case
                when latest_batch_id is null and geography_level = 'dataset'
                    then 'no promoted batch yet'
                when freshness_score is null then null
                else
                    'latest promoted batch ' || freshness_age_days || ' days old, expected every '
                    || expected_cadence_days || ' days'
            end as text
        ) as freshness_reason,
        cast(reporting_unit as text) as reporting_unit,
        cast(reports_expected as integer) as reports_expected,
        cast(reports_received as integer) as reports_received,
        cast(completeness_score as numeric) as completeness_score,
        cast(
            case
                when completeness_score is not null
                    then
                        reports_received || ' of ' || reports_expected || ' '
                        || case
                            when reports_expected = 1 then reporting_unit
                            else regexp_replace(reporting_unit, 'y$', 'ie') || 's'
                        end
                        || ' reported'
            end as text
        ) as completeness_reason,
        cast(rows_received as bigint) as rows_received,
        cast(rows_passed as bigint) as rows_passed,
        cast(rows_quarantined as bigint) as rows_quarantined,
        cast(batches_failed as integer) as batches_failed,
        cast(validity_score as numeric) as validity_score,
        cast(
            case
                when validity_score is not null
                    then
                        coalesce(rows_passed, 0) || ' of ' || coalesce(rows_received, 0)
                        || ' rows passed the quality gate'
                        || case
                            when rows_quarantined > 0
                                then ', ' || rows_quarantined || ' quarantined'
                            else ''
                        end
                        || case
                            when batches_failed > 0
                                then ', ' || batches_failed || ' file(s) or batch(es) failed'
                            else ''
                        end
            end as text
        ) as validity_reason,
        cast(consistency_figure as bigint) as consistency_figure,
        cast(consistency_reference_figure as bigint) as consistency_reference_figure,
        cast(consistency_score as numeric) as consistency_score,
        cast(
            case
                when consistency_score is not null
                    then
                        consistency_compares || ': ' || consistency_figure || ' against '
                        || consistency_reference_figure
                        || coalesce(
                            ', '
                            || round(
                                100.0 * abs(consistency_figure - consistency_reference_figure)
                                / nullif(consistency_reference_figure, 0), 1
                            )
                            || ' % apart',
                            ''
                        )
                        || ' (tolerance '
                        || round(100 * {{ var('quality_consistency_tolerance') }})
                        || ' %)'
            end as text
        ) as consistency_reason,
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
