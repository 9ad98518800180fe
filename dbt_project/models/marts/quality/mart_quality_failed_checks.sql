-- The checks that failed, per dataset, scope and month of the data: the reasons
-- behind the scorecard's validity score, for every reader of the scorecard. Rules and
-- counts only, never a row's values. Batches that were validated and not superseded
-- (a file refused unread has no checks); a batch validated again keeps its last
-- verdict.

with

batches as (

    select * from {{ source('ops', 'batches') }}

),

runs as (

    select * from {{ source('quality', 'validation_runs') }}

),

results as (

    select * from {{ source('quality', 'expectation_results') }}

),

last_runs as (

    select distinct on (batch_id)
        run_id,
        batch_id,
        validated_at
    from runs
    order by batch_id asc, validated_at desc, run_id desc

),

counted_batches as (

    select
        batch_id,
        source,
        dataset,
        status as batch_status,
        municipality,
        cast(
            date_trunc(
                'month',
                coalesce(period_start, cast(data_interval_start as date), cast(loaded_at as date))
            ) as date
        ) as period_month
    from batches
    where
        superseded_by is null
        and status in ('passed', 'warned', 'partial', 'failed')

),

failures as (

    select
        last_runs.batch_id,
        last_runs.validated_at,
        results.severity,
        results.unexpected_count,
        results.unexpected_percent,
        results.expectation_type
        || '('
        || coalesce(
            results.column_name,
            results.kwargs ->> 'label',
            array_to_string(
                array(select jsonb_array_elements_text(results.kwargs -> 'column_list')), ', '
            ),
            ''
        )
        || ')' as check_name
    from results
    inner join last_runs on results.run_id = last_runs.run_id
    where not results.success

),

final as (

    select
        {{ surrogate_key([
            "counted_batches.source", "counted_batches.dataset",
            "counted_batches.municipality", "counted_batches.period_month",
            "failures.check_name", "failures.severity",
        ]) }} as failed_check_key,
        cast(counted_batches.source || '__' || counted_batches.dataset as text)
            as source_dataset_key,
        counted_batches.source,
        counted_batches.dataset,
        counted_batches.municipality,
        counted_batches.period_month,
        failures.check_name,
        failures.severity,
        cast(count(distinct failures.batch_id) as integer) as batches_failed,
        cast(
            count(distinct failures.batch_id)
            filter (where counted_batches.batch_status = 'failed') as integer
        ) as batches_refused,
        cast(sum(failures.unexpected_count) as bigint) as rows_failed,
        cast(round(cast(max(failures.unexpected_percent) as numeric), 2) as numeric(7, 2))
            as max_percent_failed,
        max(failures.validated_at) as last_failed_at
    from failures
    inner join counted_batches on failures.batch_id = counted_batches.batch_id
    group by
        counted_batches.source,
        counted_batches.dataset,
        counted_batches.municipality,
        counted_batches.period_month,
        failures.check_name,
        failures.severity

)

select * from final
