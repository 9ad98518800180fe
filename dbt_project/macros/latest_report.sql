{#-
    "Latest report wins": where several submitted files report the same thing (a
    facility's day, a municipality's sector, a funding line), only the later file's
    row counts, so two scopes sending the same figure never add it up twice. The
    later file is the higher ledger batch; `order_by` puts a date first where the
    report carries its own (a facility's latest report date).

    latest_report(relation, partition_by, where, order_by): a select of the rows of
    `relation` (optionally only those where `where` holds) that are the latest of
    their `partition_by` group, with every column of `relation`.
-#}
{% macro latest_report(relation, partition_by, where=none, order_by=['batch_id desc']) -%}
    select * from (
        select
            {{ relation }}.*,
            row_number() over (
                partition by {{ partition_by | join(', ') }}
                order by {{ order_by | join(', ') }}
            ) as report_rank
        from {{ relation }}
    {%- if where %}
        where {{ where }}
    {%- endif %}
    ) as ranked
    where report_rank = 1
{%- endmacro %}
