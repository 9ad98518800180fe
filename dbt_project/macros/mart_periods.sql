{#-
    The calendar periods the situation marts report by, and the rule that places a
    fact's row in them: a row counts in a period of grain `week` (Monday to Sunday),
    `month`, `quarter` or `year` when its own period lies wholly inside it. A daily
    row counts in its week, month, quarter and year; a monthly row in its month,
    quarter and year but in no week; a week that spans two months only in the week
    (and the year, when it does not span two). Nothing is ever split or prorated,
    so each mart period's figure is the sum of whole source figures, and a coarser
    period may hold rows that no finer one does.

    in_mart_periods(grains): a join, after a relation with `period_start` and
    `period_end`, to one row per grain the row fits in; the select then uses
    mart_period_start() and mart_period_end().
-#}
{% macro in_mart_periods(grains, relation) -%}
    {%- set rows = [] %}
    {%- for grain in grains %}{% do rows.append("('" ~ grain ~ "')") %}{% endfor %}
    inner join (values {{ rows | join(', ') }}) as mart_grains (mart_grain)
        on
            date_trunc(mart_grains.mart_grain, {{ relation }}.period_start)
            = date_trunc(mart_grains.mart_grain, {{ relation }}.period_end)
{%- endmacro %}


{% macro mart_period_start(date_column) -%}
    cast(date_trunc(mart_grains.mart_grain, {{ date_column }}) as date)
{%- endmacro %}


{% macro mart_period_end(date_column) -%}
    cast(
        date_trunc(mart_grains.mart_grain, {{ date_column }})
        + case mart_grains.mart_grain
            when 'week' then interval '7 days'
            when 'month' then interval '1 month'
            when 'quarter' then interval '3 months'
            else interval '1 year'
        end
        - interval '1 day'
        as date
    )
{%- endmacro %}
