-- One view per batch while it is validated (validation.<source>__<dataset>__batch_<id>):
-- GX reads the batch's rows only and reflects its columns from the catalog instead
-- of running the batch query to find them.
create schema if not exists validation;

grant usage, create on schema validation to loader;
