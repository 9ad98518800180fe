-- The shared metric macros (macros/metrics) applied to a fixed set of cases, the
-- ordinary ones and the edge ones (a zero or unknown denominator, an unknown
-- numerator, an overfull facility): the model the metrics' unit tests run on, and a
-- readable statement of what each metric returns.

with

cases as (

    select * from (
        values
        ('occupancy_rate', 'ordinary', 85, 100),
        ('occupancy_rate', 'over capacity', 120, 100),
        ('occupancy_rate', 'empty facility', 0, 100),
        ('occupancy_rate', 'no beds', 0, 0),
        ('occupancy_rate', 'capacity not reported', 5, null),
        ('per_thousand', 'ordinary', 25, 50000),
        ('per_thousand', 'no inhabitants', 25, 0),
        ('per_thousand', 'population unknown', 25, null),
        ('per_thousand', 'value unknown', null, 50000),
        ('recognition_rate', 'ordinary', 42, 100),
        ('recognition_rate', 'no decisions', 0, 0),
        ('recognition_rate', 'total unknown', 10, null)
    ) as metric_cases (metric_name, case_name, numerator, denominator)

),

computed as (

    select
        cast(metric_name as text) as metric_name,
        cast(case_name as text) as case_name,
        cast(numerator as integer) as numerator,
        cast(denominator as integer) as denominator,
        -- As a float only here, so that the unit tests compare values, not the
        -- numeric scale PostgreSQL's division happens to give (0.85 vs 0.8500...).
        cast(
            case metric_name
                when 'occupancy_rate' then {{ occupancy_rate('numerator', 'denominator') }}
                when 'per_thousand' then {{ per_thousand('numerator', 'denominator') }}
                when 'recognition_rate'
                    then {{ recognition_rate('numerator', 'denominator') }}
            end as double precision
        ) as metric_value
    from cases

)

select * from computed
