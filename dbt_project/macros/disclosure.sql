{#
    Statistical disclosure control of published person counts (docs: `disclosure`).

    disclose_counts(relation, counts, group_by, tie_breaker) emits two CTEs,
    `<relation>__small` and `<relation>__disclosed`, to follow a CTE named `relation`.
    `<relation>__disclosed` holds every column of `relation` plus, for each column `c`
    in `counts`, `c_suppression`:
      'small'      c is 1 to 4 persons (primary suppression);
      'secondary'  the group (`group_by`: the cells that add up to a published total,
                   e.g. a country's municipalities in one period) has exactly one small
                   cell, and this is the group's smallest other known cell (positive
                   before zero, then `tie_breaker`); suppressed too, so that the total
                   minus the published cells never gives the small one;
      null         published as it is.
    disclosed(c) is then the published value: null when suppressed. A rate derived
    from a count must be published through disclosed_with(rate, c) for the same reason.
#}

{% macro disclose_counts(relation, counts, group_by, tie_breaker) -%}
    {{ relation }}__small as (

    select
        *,
    {%- for c in counts %}
        coalesce({{ c }} between 1 and 4, false) as {{ c }}__is_small,
        count(*) filter (where {{ c }} between 1 and 4)
            over (partition by {{ group_by | join(', ') }}) as {{ c }}__small_in_group,
        case
            when {{ c }} is not null and not coalesce({{ c }} between 1 and 4, false)
                then row_number() over (
                    partition by
                        {{ group_by | join(', ') }},
                        {{ c }} is not null and not coalesce({{ c }} between 1 and 4, false)
                    order by {{ c }} = 0, {{ c }}, {{ tie_breaker }}
                )
        end as {{ c }}__candidate_rank{{ "," if not loop.last }}
    {%- endfor %}
    from {{ relation }}

),

{{ relation }}__disclosed as (

    select
        *,
    {%- for c in counts %}
        cast(case
            when {{ c }}__is_small then 'small'
            when {{ c }}__small_in_group = 1 and {{ c }}__candidate_rank = 1 then 'secondary'
        end as text) as {{ c }}_suppression{{ "," if not loop.last }}
    {%- endfor %}
    from {{ relation }}__small

)
{%- endmacro %}


{% macro disclosed(count) -%}
    case when {{ count }}_suppression is null then {{ count }} end
{%- endmacro %}


{% macro disclosed_with(value, count) -%}
    case when {{ count }}_suppression is null then {{ value }} end
{%- endmacro %}
