{#-
    The origin x asylum pair of a UNHCR Refugee Statistics row, typed. UNHCR writes
    "-" in the identity columns of a dimension it summed; its own codes (`coo`,
    `coa`) are always present, ISO3 codes not always.
-#}
{% macro unhcr_country_pair_columns() -%}
        cast(coo as text) as origin_code,
        cast(nullif(nullif(coo_iso, '-'), '') as text) as origin_iso3,
        cast(nullif(trim(coo_name), '-') as text) as origin_name,
        cast(nullif(coo_id, '-') as integer) as origin_unhcr_id,
        cast(coa as text) as asylum_code,
        cast(nullif(nullif(coa_iso, '-'), '') as text) as asylum_iso3,
        cast(nullif(trim(coa_name), '-') as text) as asylum_name,
        cast(nullif(coa_id, '-') as integer) as asylum_unhcr_id
{%- endmacro %}
