-- Schemas owned by the ingest layer; dbt owns staging, intermediate and marts.
create schema if not exists raw;
create schema if not exists ops;
create schema if not exists quality;

-- Group roles (NOLOGIN): logins are granted membership later, per deployment.
do $$
begin
    if not exists (select from pg_roles where rolname = 'loader') then
        create role loader nologin;
    end if;
    if not exists (select from pg_roles where rolname = 'transformer') then
        create role transformer nologin;
    end if;
    if not exists (select from pg_roles where rolname = 'analyst') then
        create role analyst nologin;
    end if;
    if not exists (select from pg_roles where rolname = 'bi_reader') then
        create role bi_reader nologin;
    end if;
end
$$;

-- The ledger: one row per batch (an API payload or a submitted file).
create table if not exists ops.batches (
    batch_id bigint generated always as identity primary key,
    source text not null,
    dataset text not null,
    raw_table text not null,
    request text,
    data_interval_start timestamptz,
    data_interval_end timestamptz,
    content_sha256 char(64),
    rows_received integer,
    rows_loaded integer,
    rows_quarantined integer not null default 0,
    status text not null default 'loading',
    started_at timestamptz not null default now(),
    loaded_at timestamptz,
    validated_at timestamptz,
    error text,
    -- short summary of the latest validation; full results live in quality.*
    validation_summary jsonb,
    constraint batches_status_check check (
        status in ('loading', 'loaded', 'passed', 'warned', 'failed', 'error')
    ),
    constraint batches_rows_conserved check (
        rows_loaded is null
        or rows_received = rows_loaded + rows_quarantined
    )
);

-- The same content for the same dataset is loaded once; failed attempts
-- (status 'error') do not block a retry.
create unique index if not exists batches_dataset_sha256_key
    on ops.batches (source, dataset, content_sha256)
    where status <> 'error';

create index if not exists batches_dataset_status_idx
    on ops.batches (source, dataset, status);

grant usage on schema raw, ops, quality to loader;
grant all on all tables in schema raw, ops, quality to loader;
alter default privileges in schema raw, ops, quality grant all on tables to loader;
grant usage on schema raw, ops, quality to transformer;
grant select on all tables in schema raw, ops, quality to transformer;
alter default privileges in schema raw, ops, quality grant select on tables to transformer;
