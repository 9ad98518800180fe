{#-
    Post-hook of the incremental facts: deletes the rows whose batch may no longer
    reach staging (superseded by a later file for the same scope and period, or no
    longer promoted). An incremental run only adds the rows of new batches, so
    without it a row that a later file no longer repeats would stay. Rows the quality
    gate quarantines after they were loaded need a `--full-refresh`.
-#}
{% macro delete_rows_of_withdrawn_batches() -%}
    delete from {{ this }}
    where batch_id not in (
        select batches.batch_id
        from {{ source('ops', 'batches') }} as batches
        where
            batches.status in ('passed', 'warned', 'partial')
            and batches.superseded_by is null
    )
{%- endmacro %}
