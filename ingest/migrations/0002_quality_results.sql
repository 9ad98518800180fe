-- Validation results as warehouse tables, next to the figures they qualify.
-- No personal data: counts, percentages and numeric observed values only.

create table if not exists quality.validation_runs (
    run_id bigint generated always as identity primary key,
    batch_id bigint not null references ops.batches (batch_id),
    source text not null,
    dataset text not null,
    suite text not null,
    status text not null check (status in ('passed', 'warned', 'failed')),
    -- false when a blocking expectation failed
    success boolean not null,
    evaluated integer not null,
    failed_blocking integer not null,
    failed_warning integer not null,
    seconds numeric(10, 3) not null,
    gx_version text not null,
    validated_at timestamptz not null default now()
);

create index if not exists validation_runs_batch_idx on quality.validation_runs (batch_id);

create table if not exists quality.expectation_results (
    run_id bigint not null references quality.validation_runs (run_id),
    batch_id bigint not null,
    expectation_type text not null,
    column_name text,
    -- the expectation's configuration (allowed sets, regexes, bounds), never row values
    kwargs jsonb not null default '{}',
    severity text not null check (severity in ('blocking', 'warning')),
    success boolean not null,
    observed_value double precision,
    unexpected_count bigint,
    unexpected_percent double precision,
    element_count bigint
);

create index if not exists expectation_results_batch_idx
    on quality.expectation_results (batch_id);

grant select on quality.validation_runs, quality.expectation_results to analyst;
