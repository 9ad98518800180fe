{#-
    The body of a staging model's `latest` CTE: the rows of `relation` (a raw
    table's import CTE) that may reach staging, one per natural key.

    * Only promoted batches: `passed`, `warned` or `partial` in ops.batches
      (failed, erroring and unvalidated batches never reach staging).
    * Never a superseded batch (ops.batches.superseded_by set): a later submitted
      file for the same dataset, scope and period replaced it as a whole, so even
      its rows the later file does not repeat are gone.
    * Without the rows the quality gate quarantined (quality.quarantine).
    * A later batch revises an earlier one: for each key the highest batch wins.

    Adds `batch_status` and `batch_municipality` (the LAU code a submitted file was
    sent for; null for a national body's file and for every API source) to the raw
    columns. A key column may be `batch_municipality`: a municipality's report and
    a ministry's report of the same key are then two rows, neither revising the
    other. Every source's staging uses it, so the promotion rule is written once.
-#}
{% macro latest_promoted_rows(relation, key_columns) -%}
    select ranked.*
    from (
        select
            promoted.*,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by promoted._batch_id desc, promoted._row_number desc
            ) as revision_rank
        from (
            select
                {{ relation }}.*,
                batches.status as batch_status,
                batches.municipality as batch_municipality
            from {{ relation }}
            inner join {{ source('ops', 'batches') }} as batches
                on
                    {{ relation }}._batch_id = batches.batch_id
                    and batches.status in ('passed', 'warned', 'partial')
                    and batches.superseded_by is null
            left join {{ source('quality', 'quarantine') }} as quarantine
                on
                    {{ relation }}._batch_id = quarantine.batch_id
                    and {{ relation }}._row_number = quarantine.row_number
            where quarantine.batch_id is null
        ) as promoted
    ) as ranked
    where ranked.revision_rank = 1
{%- endmacro %}
