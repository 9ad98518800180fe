{#-
    The provenance columns every staging model ends with, read from the rows that
    `latest_promoted_rows` returns: the batch, the row's position in it and the
    batch's ledger status.
-#}
{% macro provenance_columns() -%}
        cast(_batch_id as bigint) as batch_id,
        cast(_row_number as integer) as row_number,
        cast(batch_status as text) as batch_status
{%- endmacro %}
