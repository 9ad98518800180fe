-- Every dataset as a whole, one row each (also the datasets feeding no fact), from
-- its batches in the ledger: the latest promoted batch for freshness, the latest
-- batch of any outcome for validity (a failed latest batch scores 0).

with

batches as (

    select * from {{ ref('int_quality_batches') }}

),

sources as (

    select * from {{ ref('dim_source') }}

),

dataset_rows as (

    -- Every dataset as a whole, from its batches: the latest promoted one for
    -- freshness, the latest one of any outcome for validity.
    select
        sources.source_dataset_key,
        'dataset' as scope_level,
        sources.source_dataset_key as scope_key,
        cast(null as text) as country_key,
        'all' as period_grain,
        coalesce(cast(min(batches.loaded_at) as date), current_date) as period_start,
        coalesce(cast(max(batches.loaded_at) as date), current_date) as period_end,
        (
            array_agg(batches.batch_id order by batches.loaded_at desc, batches.batch_id desc)
            filter (where batches.is_promoted)
        )[1
        ] as latest_batch_id,
        max(batches.loaded_at) filter (where batches.is_promoted) as latest_loaded_at,
        (
            array_agg(batches.rows_received order by batches.loaded_at desc, batches.batch_id desc)
            filter (where batches.batch_id is not null)
        )[1
        ] as rows_received,
        (array_agg(
            case when batches.is_promoted then batches.rows_loaded else 0 end
            order by batches.loaded_at desc, batches.batch_id desc
        ) filter (where batches.batch_id is not null))[1] as rows_passed,
        (
            array_agg(
                batches.rows_quarantined order by batches.loaded_at desc, batches.batch_id desc
            )
            filter (where batches.batch_id is not null)
        )[1
        ] as rows_quarantined,
        (array_agg(
            case when batches.is_failed then 1 else 0 end
            order by batches.loaded_at desc, batches.batch_id desc
        )
        filter (where batches.batch_id is not null))[1] as batches_failed
    from sources
    left join batches
        on sources.source_dataset_key = batches.source_dataset_key
    group by sources.source_dataset_key

)

select * from dataset_rows
