{#-
    The additive components of the situation marts, named once for every level.
    local_components(): those the municipalities feed (a country's are the sums of its
    municipalities' rows); country_components(): those that exist per country only.
    summed_components(relation, components): `sum(<relation>.<c>) as <c>` for each,
    the block a higher level aggregates the level below with.
-#}
{% macro local_components() -%}
    {{ return([
        'arrivals', 'arrivals_national_report', 'bed_days_capacity', 'bed_days_occupied',
        'people_in_need', 'people_reached', 'funding_planned_eur', 'funding_disbursed_eur',
    ]) }}
{%- endmacro %}


{% macro country_components() -%}
    {{ return([
        'arrivals_international', 'asylum_applications', 'first_time_applications',
        'decisions_total', 'decisions_positive',
    ]) }}
{%- endmacro %}


{% macro summed_components(relation, components) -%}
    {%- for component in components %}
        sum({{ relation }}.{{ component }}) as {{ component }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
