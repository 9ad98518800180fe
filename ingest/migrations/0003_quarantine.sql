-- Every row that fails a row-level blocking expectation, kept with its reasons.
-- Raw stays faithful (the row is still there); staging leaves quarantined rows out.

create table if not exists quality.quarantine (
    batch_id bigint not null references ops.batches (batch_id),
    row_number integer not null,
    source text not null,
    dataset text not null,
    -- the failed rules, e.g. 'expect_column_values_to_match_regex(value)'
    rules text[] not null,
    -- one readable reason per rule, in the same order
    reasons text[] not null,
    -- the row as received, so a steward can fix and resubmit it
    row_data jsonb not null,
    quarantined_at timestamptz not null default now(),
    primary key (batch_id, row_number)
);

-- 'partial': promoted without its quarantined rows.
alter table ops.batches drop constraint batches_status_check;
alter table ops.batches add constraint batches_status_check check (
    status in ('loading', 'loaded', 'passed', 'warned', 'partial', 'failed', 'error')
);

alter table quality.validation_runs drop constraint validation_runs_status_check;
alter table quality.validation_runs add constraint validation_runs_status_check check (
    status in ('passed', 'warned', 'partial', 'failed')
);

alter table quality.validation_runs
    add column if not exists rows_quarantined integer not null default 0,
    -- GX's own result (counts only: no unexpected values), for Data Docs
    add column if not exists gx_result jsonb;

-- Quarantined rows carry row values: stewards and the pipeline read them, BI does not.
grant select on quality.quarantine to transformer;
