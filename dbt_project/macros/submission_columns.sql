{#-
    The columns every submissions staging model carries about the file a row came
    from, read from the rows `latest_promoted_rows` returns: who the file reported
    for (a municipality, or a national body when `batch_municipality` is null) and
    the row's line in the file, for the steward who fixes it.
-#}
{% macro submission_columns() -%}
        cast(
            case when batch_municipality is null then 'national' else 'municipality' end
            as text
        ) as reporting_level,
        cast(batch_municipality as text) as submitted_for_municipality,
        cast(file_row as integer) as source_file_row
{%- endmacro %}
