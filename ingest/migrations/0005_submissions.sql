-- Submitted files (municipalities and ministries): who sent what, for whom, covering
-- which period, and which later file replaced it.
alter table ops.batches
    add column if not exists file_name text,
    add column if not exists submitter text,
    -- the LAU code the file was submitted for; null: a national body's file
    add column if not exists municipality text,
    add column if not exists received_at timestamptz,
    -- the dates the file's rows cover (the dataset's period columns)
    add column if not exists period_start date,
    add column if not exists period_end date,
    -- a later file for the same dataset, municipality and (covering) period
    add column if not exists superseded_by bigint references ops.batches (batch_id),
    add column if not exists report_path text;

-- 'rejected': the whole file was refused (its error says why); nothing was loaded.
alter table ops.batches drop constraint batches_status_check;
alter table ops.batches add constraint batches_status_check check (
    status in (
        'loading', 'loaded', 'passed', 'warned', 'partial', 'failed', 'error', 'rejected'
    )
);

create index if not exists batches_submission_scope_idx
    on ops.batches (source, dataset, municipality)
    where source = 'submissions';
