-- The same bytes are the same submission only within one scope: a municipality's
-- file and the ministry's identical file are two reports. API batches have no
-- municipality, so for them the key is unchanged. Failed loads ('error') may repeat.
drop index if exists ops.batches_dataset_sha256_key;
create unique index if not exists batches_scope_sha256_key
    on ops.batches (source, dataset, coalesce(municipality, ''), content_sha256)
    where status <> 'error';

-- The landing zone's failed attempts at a file it could not process (an unexpected
-- error, not the file's content): after a few, the file goes to rejected/ with the
-- last error, so one poison file never blocks its dataset.
create table if not exists ops.landing_attempts (
    dataset text not null,
    scope text not null,
    file_name text not null,
    attempts integer not null default 1,
    last_error text not null,
    first_failed_at timestamptz not null default now(),
    last_failed_at timestamptz not null default now(),
    primary key (dataset, scope, file_name)
);

-- The alert on stuck batches reads these.
create index if not exists batches_unfinished_idx
    on ops.batches (status, loaded_at)
    where status in ('loading', 'loaded');
