{#-
    md5 of the given columns cast to text, joined by '-', with nulls replaced by a
    marker so that (null, 'a') and ('', 'a') differ. Same idea as dbt_utils'
    generate_surrogate_key, written here because packages cannot be installed.
-#}
{% macro surrogate_key(columns) -%}
    md5(
    {%- for column in columns %}
        coalesce(cast({{ column }} as text), '_dbt_null_'){% if not loop.last %} || '-' ||{% endif %}
    {%- endfor %}
    )
{%- endmacro %}
