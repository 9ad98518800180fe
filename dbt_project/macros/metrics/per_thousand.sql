{#-
    A count per 1,000 inhabitants (arrivals per 1,000 inhabitants): 1000 x value /
    population. Null when the population is 0 or null (unknown), never a division
    by zero; null when the value is null.

    The one definition every mart uses, at every governance level: the value and
    the population must describe the same area (a municipality's arrivals over its
    own population, a country's over the country's).
-#}
{% macro per_thousand(value, population) -%}
    (1000 * cast({{ value }} as numeric) / nullif(cast({{ population }} as numeric), 0))
{%- endmacro %}
