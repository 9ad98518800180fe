{#-
    Provenance of a mart row: the mean quality score (mart_quality_scorecard) of the
    datasets the row was computed from, for the row's own geography and every
    scorecard period that overlaps the row's period. Null when none is scored.
-#}
{% macro quality_score_of(level, area_key, dataset_keys, period_start, period_end) -%}
    (
        select cast(avg(scorecard.quality_score) as numeric(5, 4))
        from {{ ref('mart_quality_scorecard') }} as scorecard
        where
            scorecard.geography_level = '{{ level }}'
            and scorecard.geography_key = {{ area_key }}
            and scorecard.source_dataset_key = any({{ dataset_keys }})
            and scorecard.period_start <= {{ period_end }}
            and scorecard.period_end >= {{ period_start }}
    )
{%- endmacro %}
