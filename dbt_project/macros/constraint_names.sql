{#
    Post-hook (every table model): dbt-postgres builds a contracted table as
    `<table>__dbt_tmp` and renames it, so the indexes PostgreSQL named after the
    temporary table (its primary key `<table>__dbt_tmp_pkey`, a unique constraint's
    `<table>__dbt_tmp_<column>_key`) and check constraints
    (`<table>__dbt_tmp_<column>_check`) keep that name. Rename each to what it would be
    called on `<table>` (`<table>_pkey`); renaming an index renames its constraint too.

    It runs after dbt's swap, inside the model's transaction: on a rebuild the previous
    table (`<table>__dbt_backup`, dropped after the commit) still holds the wanted name,
    so that index gives it up first. An index of any other table keeps its name, and
    this one then keeps its temporary name.
#}
{% macro rename_dbt_tmp_indexes() -%}
    {%- if config.get('materialized') in ('table', 'incremental') -%}
        do $rename$
        declare
            tmp_index record;
            tmp_constraint record;
            wanted text;
            holder text;
        begin
            for tmp_index in
                select index_class.relname as index_name
                from pg_index
                inner join pg_class as index_class
                    on pg_index.indexrelid = index_class.oid
                where
                    pg_index.indrelid
                    = format('%I.%I', {{ dbt.string_literal(this.schema) }},
                             {{ dbt.string_literal(this.identifier) }})::regclass
                    and strpos(index_class.relname, '__dbt_tmp') > 0
            loop
                wanted := replace(tmp_index.index_name, '__dbt_tmp', '');
                select table_class.relname into holder
                from pg_class as index_class
                inner join pg_namespace on index_class.relnamespace = pg_namespace.oid
                inner join pg_index on index_class.oid = pg_index.indexrelid
                inner join pg_class as table_class on pg_index.indrelid = table_class.oid
                where
                    pg_namespace.nspname = {{ dbt.string_literal(this.schema) }}
                    and index_class.relname = wanted;
                if holder is not null and strpos(holder, '__dbt_backup') > 0 then
                    execute format(
                        'alter index %I.%I rename to %I',
                        {{ dbt.string_literal(this.schema) }}, wanted,
                        left(wanted, 40) || '__old_' || left(md5(random()::text), 8)
                    );
                elsif holder is not null then
                    continue;
                end if;
                execute format(
                    'alter index %I.%I rename to %I',
                    {{ dbt.string_literal(this.schema) }}, tmp_index.index_name, wanted
                );
            end loop;
            -- Check constraints are named per table: no other holds the wanted name.
            for tmp_constraint in
                select conname
                from pg_constraint
                where
                    conrelid = format('%I.%I', {{ dbt.string_literal(this.schema) }},
                                      {{ dbt.string_literal(this.identifier) }})::regclass
                    and contype not in ('p', 'u', 'x')
                    and strpos(conname, '__dbt_tmp') > 0
            loop
                execute format(
                    'alter table %I.%I rename constraint %I to %I',
                    {{ dbt.string_literal(this.schema) }},
                    {{ dbt.string_literal(this.identifier) }},
                    tmp_constraint.conname, replace(tmp_constraint.conname, '__dbt_tmp', '')
                );
            end loop;
        end
        $rename$
    {%- endif -%}
{%- endmacro %}
