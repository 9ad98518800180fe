{#-
    The scorecard's three geography levels, written once. A measure is taken per
    municipality, then again per country and per region group over the same rows, so
    the three levels always agree by construction.

    scoped_to_levels(relation, members): every row of `relation` (with
    `geography_level`, `geography_key` and `country_key`) once per level it counts
    at, as `scope_level` and `scope_key`: its municipality (rows placed in one), its
    country, and each region group the country is an active member of (`members`,
    dim_region_group_member's active rows). Aggregate by (scope_level, scope_key) to
    get all three levels in one query.
-#}
{% macro scoped_to_levels(relation, members) -%}
    select
        {{ relation }}.*,
        'municipality' as scope_level,
        {{ relation }}.geography_key as scope_key
    from {{ relation }}
    where {{ relation }}.geography_level = 'municipality'

    union all

    select
        {{ relation }}.*,
        'country' as scope_level,
        {{ relation }}.country_key as scope_key
    from {{ relation }}
    where {{ relation }}.country_key is not null

    union all

    select
        {{ relation }}.*,
        'region_group' as scope_level,
        {{ members }}.region_group_key as scope_key
    from {{ relation }}
    inner join {{ members }}
        on {{ relation }}.country_key = {{ members }}.country_key
{%- endmacro %}


{#-
    Consistency of a figure with another source's figure of the same thing: 1 while
    they are at most the tolerance apart (var `quality_consistency_tolerance`, a share
    of the reference figure), falling linearly to 0 at three times the tolerance. Both
    0 is 1; only the reference 0 is 0.
-#}
{% macro consistency_score(figure, reference) -%}
    {%- set tolerance = var('quality_consistency_tolerance') %}
    case
        when {{ figure }} is null or {{ reference }} is null then null
        when {{ reference }} = 0 then case when {{ figure }} = 0 then 1 else 0 end
        else
            1 - least(
                1,
                greatest(
                    0,
                    abs({{ figure }} - {{ reference }}) / cast({{ reference }} as numeric)
                    - {{ tolerance }}
                ) / (2 * {{ tolerance }})
            )
    end
{%- endmacro %}


{#-
    The moment freshness is measured at: the query's (the scorecard is a view), so a
    stopped pipeline's figures grow stale. A macro so unit tests can fix it.
-#}
{% macro scorecard_now() -%}
    current_timestamp
{%- endmacro %}
