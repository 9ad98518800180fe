{#-
    Custom schemas are used verbatim: `+schema: staging` builds in `staging`,
    not in `<target schema>_staging`. Models without one go to the target schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
