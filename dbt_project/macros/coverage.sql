{#-
    Period coverage: how many days of a mart period a figure's source rows cover.

    Each source row covers its own dates (`daterange(period_start, period_end, '[]')`);
    a figure's coverage is the union of its rows' ranges (`range_agg`), so two
    facilities reporting the same day count that day once and a gap stays a gap.
    A figure is whole for its period only when that union is the whole period: a year
    of four monthly rows is 122 of 365 days, never presented as the year.

    covered_dates(period_start, period_end, when): the aggregate that unions the rows'
    ranges (only the rows where `when` holds), as a datemultirange.
    covered_days(dates): the number of days in such a datemultirange.
-#}
{% macro covered_dates(period_start, period_end, when=none) -%}
    range_agg(daterange({{ period_start }}, {{ period_end }}, '[]'))
    {%- if when %} filter (where {{ when }}){% endif %}
{%- endmacro %}


{% macro covered_days(dates) -%}
    (
        select coalesce(sum(upper(covered_range) - lower(covered_range)), 0)
        from unnest({{ dates }}) as covered_range
    )
{%- endmacro %}


{#-
    The coverage columns of a situation row, from the days each of its figures covers.
    `figures` maps a figure's column to its covered-days expression; a figure that is
    null is not shown, so it does not count. `days_covered` is the fewest days any
    shown figure covers; `incomplete_figures` names the figures covering less than
    the whole period (`arrivals 14/31 days`), null when the period is whole.
-#}
{% macro coverage_columns(relation, figures) -%}
    {%- set days_in_period = '(' ~ relation ~ '.period_end - ' ~ relation ~ '.period_start + 1)' %}
    {%- set shown = [] %}
    {%- set gaps = [] %}
    {%- for figure, days in figures.items() %}
        {%- do shown.append(
            'case when ' ~ relation ~ '.' ~ figure ~ ' is not null then ' ~ days ~ ' end'
        ) %}
        {%- do gaps.append(
            'case when ' ~ relation ~ '.' ~ figure ~ ' is not null and ' ~ days ~ ' < '
            ~ days_in_period ~ " then '" ~ figure ~ " ' || " ~ days ~ " || '/' || "
            ~ days_in_period ~ " || ' days' end"
        ) %}
    {%- endfor %}
    cast({{ days_in_period }} as integer) as days_in_period,
    cast(least({{ shown | join(', ') }}) as integer) as days_covered,
    cast(
        round(
            cast(least({{ shown | join(', ') }}) as numeric) / {{ days_in_period }}, 4
        ) as numeric(5, 4)
    ) as period_coverage,
    cast(
        coalesce(least({{ shown | join(', ') }}) = {{ days_in_period }}, true) as boolean
    ) as is_complete_period,
    cast(nullif(concat_ws(', ', {{ gaps | join(', ') }}), '') as text) as incomplete_figures
{%- endmacro %}
