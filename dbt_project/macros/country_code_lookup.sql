{#-
    The body of a crosswalk lookup CTE: the codes of one source's code system from
    int_country_codes_unioned (imported by the model as `country_codes`), each with
    its warehouse country key. Materialised by the caller (`as materialized (...)`):
    the planner underestimates staging's row-number filter by two orders of
    magnitude, and a join to the whole crosswalk then took 54 s; joining to one code
    system's few hundred codes keeps every lookup a small hash join.
-#}
{% macro country_code_lookup(source, code_system) -%}
    select
        lookup_key,
        iso3
    from country_codes
    where
        source = '{{ source }}'
        and code_system = '{{ code_system }}'
{%- endmacro %}
