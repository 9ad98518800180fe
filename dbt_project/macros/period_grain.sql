{#-
    The calendar grain of a period given by its first and last day: `day` (one
    day), `week` (Monday to Sunday), `month`, `quarter` or `year` (whole calendar
    ones), else `custom` (e.g. a half-year or a period that starts mid-month).
    Submitted files say which period they cover; the facts record its grain so
    that marts never mix a monthly figure with a yearly one.
-#}
{% macro period_grain(period_start, period_end) -%}
    case
        when {{ period_end }} = {{ period_start }} then 'day'
        when
            extract(isodow from {{ period_start }}) = 1
            and {{ period_end }} = {{ period_start }} + 6
            then 'week'
        when
            {{ period_start }} = date_trunc('month', {{ period_start }})
            and {{ period_end }} = cast(
                date_trunc('month', {{ period_start }}) + interval '1 month - 1 day' as date
            )
            then 'month'
        when
            {{ period_start }} = date_trunc('quarter', {{ period_start }})
            and {{ period_end }} = cast(
                date_trunc('quarter', {{ period_start }}) + interval '3 months - 1 day' as date
            )
            then 'quarter'
        when
            {{ period_start }} = date_trunc('year', {{ period_start }})
            and {{ period_end }} = cast(
                date_trunc('year', {{ period_start }}) + interval '1 year - 1 day' as date
            )
            then 'year'
        else 'custom'
    end
{%- endmacro %}
