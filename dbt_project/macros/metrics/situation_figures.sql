{#-
    The figures of a national or regional situation row, in the marts' column order
    and types: the summed components of `relation` and the rates the metric macros
    compute from them (arrivals per 1,000 over `population`). One list, so that the
    two levels cannot drift apart.
-#}
{% macro situation_figures(relation, population) -%}
    cast({{ relation }}.arrivals as bigint) as arrivals,
    cast(
        {{ per_thousand(relation ~ '.arrivals', population) }} as numeric(12, 4)
    ) as arrivals_per_1000,
    cast({{ relation }}.arrivals_national_report as bigint) as arrivals_national_report,
    cast({{ relation }}.arrivals_international as bigint) as arrivals_international,
    cast({{ relation }}.bed_days_capacity as bigint) as bed_days_capacity,
    cast({{ relation }}.bed_days_occupied as bigint) as bed_days_occupied,
    cast(
        {{ occupancy_rate(relation ~ '.bed_days_occupied', relation ~ '.bed_days_capacity') }}
        as numeric(8, 4)
    ) as occupancy_rate,
    cast({{ relation }}.asylum_applications as bigint) as asylum_applications,
    cast({{ relation }}.first_time_applications as bigint) as first_time_applications,
    cast({{ relation }}.decisions_total as bigint) as decisions_total,
    cast({{ relation }}.decisions_positive as bigint) as decisions_positive,
    cast(
        {{ recognition_rate(relation ~ '.decisions_positive', relation ~ '.decisions_total') }}
        as numeric(8, 4)
    ) as recognition_rate,
    cast({{ relation }}.people_in_need as bigint) as people_in_need,
    cast({{ relation }}.people_reached as bigint) as people_reached,
    cast({{ relation }}.funding_planned_eur as numeric(18, 2)) as funding_planned_eur,
    cast({{ relation }}.funding_disbursed_eur as numeric(18, 2)) as funding_disbursed_eur
{%- endmacro %}
