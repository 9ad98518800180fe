{#-
    The two ways an incremental fact takes only what is new.

    rows_of_new_batches(relation): the API facts, whose sources send whole datasets
    as numbered batches. Which batches are new is read from the ledger and from the
    fact itself, never from the order of batch ids: a batch is new while it is
    promoted and the fact holds none of its rows, so a batch promoted late (loaded,
    validated after a later batch was built) still comes in. Staging gives each key
    its latest promoted row, so what comes in never replaces a newer row: a key a
    later batch also sends carries that batch in staging, which the fact already
    holds. A revised row replaces the earlier one through the fact's unique key.
    A batch withdrawn after it was built (failed on re-validation, superseded) whose
    rows the fact still holds brings in again the earlier promoted batches of its
    dataset: its keys fall back in staging to their rows, which are not new. The
    post-hook delete_rows_of_withdrawn_batches then drops what no batch sends any
    more (a post-hook, not a pre-hook: this select must still see those rows).
    With the fact's index on batch_id, each ledger batch costs one index probe.
    Every row on a full build.

    new_or_revised_rows(relation): the submission facts, where a later file may
    re-send a key: the rows of `relation` whose key is not yet in the fact with the
    same batch (every row on a full build). A late-promoted file is covered: its
    keys are not in the fact with its batch, and staging gives a key the highest
    promoted batch, so a late lower batch never displaces a later file's row.
-#}
{% macro rows_of_new_batches(relation) -%}
    select {{ relation }}.*
    from {{ relation }}
    {%- if is_incremental() %}
    where
        {{ relation }}.batch_id in (
            select promoted.batch_id
            from {{ source('ops', 'batches') }} as promoted
            where
                promoted.status in ('passed', 'warned', 'partial')
                and promoted.superseded_by is null
                and not exists (
                    select 1
                    from {{ this }} as loaded
                    where loaded.batch_id = promoted.batch_id
                )
        )
        or {{ relation }}.batch_id in (
            select earlier.batch_id
            from {{ source('ops', 'batches') }} as withdrawn
            inner join {{ source('ops', 'batches') }} as earlier
                on
                    withdrawn.source = earlier.source
                    and withdrawn.dataset = earlier.dataset
                    and withdrawn.batch_id > earlier.batch_id
            where
                (
                    withdrawn.status not in ('passed', 'warned', 'partial')
                    or withdrawn.superseded_by is not null
                )
                and earlier.status in ('passed', 'warned', 'partial')
                and earlier.superseded_by is null
                and exists (
                    select 1
                    from {{ this }} as loaded
                    where loaded.batch_id = withdrawn.batch_id
                )
        )
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
