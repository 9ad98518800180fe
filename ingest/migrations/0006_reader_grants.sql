-- Read access for the reader roles (DESIGN.md section 7).
--
-- dbt grants SELECT on each relation as it builds it (`+grants` in dbt_project.yml),
-- but a role also needs USAGE on the schema, and dbt creates its schemas without
-- any. So the schemas dbt writes (custom schema names are used verbatim, see
-- macros/generate_schema_name.sql) are created here, before dbt first runs, with
-- their usage grants; dbt's own `create schema if not exists` then leaves them be.
create schema if not exists staging;
create schema if not exists intermediate;
create schema if not exists marts;
create schema if not exists reference;
create schema if not exists snapshots;

-- analyst: staging, marts and the reference seeds (documented lookup tables that
-- marts' codes are looked up in). bi_reader: marts only. Neither reads intermediate
-- (building blocks whose shape changes freely), snapshots (facility history, for
-- the pipeline), raw or ops; neither is granted any write anywhere.
grant usage on schema staging, marts, reference to analyst;
grant usage on schema marts to bi_reader;

-- 0002 granted analyst SELECT on the validation results but not USAGE on their
-- schema, so the grant had no effect. quality.quarantine stays out of reach: it
-- holds the rejected rows' values.
grant usage on schema quality to analyst;

-- transformer is dbt's role: it builds in these schemas, which the migrating role
-- owns now that they are created here.
grant usage, create on schema staging, intermediate, marts, reference, snapshots
    to transformer;
