{#
    Post-hook: a view runs with the querying role's rights, so row-level security
    under it applies to that role and never to the view's owner (transformer, who owns
    the detail tables and is not subject to their policies).
#}
{% macro security_invoker() -%}
    {%- if config.get('materialized') == 'view' -%}
        alter view {{ this }} set (security_invoker = true)
    {%- endif -%}
{%- endmacro %}
