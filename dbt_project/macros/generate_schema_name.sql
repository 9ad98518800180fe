{#-
    Custom schemas are used verbatim: `+schema: staging` builds in `staging`,
    not in `<target schema>_staging`. Models without one go to the target schema.

    Target `shadow` (the transform DAG) builds the same schemas as a shadow
    generation, `<schema>__next`, which ingest/generations.py swaps in for the live
    ones in one transaction once every model and test passed (blue/green).
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.name == 'shadow' -%}
        {{ custom_schema_name | trim }}__next
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
