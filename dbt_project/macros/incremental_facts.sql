{#-
    The two ways an incremental fact takes only what is new.

    rows_of_new_batches(relation): the API facts, whose sources send whole datasets
    as numbered batches: the rows of `relation` whose batch is later than the latest
    one the fact already holds for their dataset (every row on a full build). A
    revised row replaces the earlier one through the fact's unique key.

    new_or_revised_rows(relation): the submission facts, where a later file may
    re-send a key: the rows of `relation` whose key is not yet in the fact with the
    same batch (every row on a full build).
-#}
{% macro rows_of_new_batches(relation) -%}
    select {{ relation }}.*
    from {{ relation }}
    {%- if is_incremental() %}
        left join (
            select
                source_dataset_key,
                max(batch_id) as max_batch_id
            from {{ this }}
            group by source_dataset_key
        ) as loaded_batches
            on {{ relation }}.source_dataset_key = loaded_batches.source_dataset_key
    where {{ relation }}.batch_id > coalesce(loaded_batches.max_batch_id, 0)
    {%- endif %}
{%- endmacro %}


{% macro new_or_revised_rows(relation) -%}
    select * from {{ relation }} as staged
    {%- if is_incremental() %}
    where not exists (
        select 1
        from {{ this }} as loaded
        where
            loaded.fact_key = staged.fact_key
            and loaded.batch_id = staged.batch_id
    )
    {%- endif %}
{%- endmacro %}
