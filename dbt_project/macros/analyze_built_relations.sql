{#
    on-run-end: ANALYZE every table, seed and snapshot the run built, so that the
    planner and BI tools (row counts from pg_class.reltuples) see fresh statistics at
    once instead of after autovacuum's next pass. It covers every dbt build, the
    transform's shadow generation included (the statistics follow a table through
    ingest/generations.py's schema swap). Views have no statistics of their own.
#}
{% macro analyze_built_relations(results) -%}
    {%- if execute -%}
        {%- for result in results
            if result.node.resource_type in ('model', 'seed', 'snapshot')
            and result.node.config.materialized in ('table', 'incremental', 'seed', 'snapshot')
            and result.status == 'success' %}
            analyze {{ adapter.quote(result.node.schema) }}.{{ adapter.quote(result.node.alias) }};
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
