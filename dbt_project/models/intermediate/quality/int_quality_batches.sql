-- Every batch the ledger holds for a dataset (ops.batches), whatever its outcome, with
-- the place and scorecard periods a submitted file was sent for: the validity score
-- counts the rows of failed files too, and the dataset rows of the scorecard read each
-- dataset's latest batch. A municipality's file is placed in its municipality and
-- country; a national body's and an API dataset's batch in no place (its rows are
-- placed through the facts it fed).

with

batches as (

    select * from {{ source('ops', 'batches') }}

),

sources as (

    select * from {{ ref('dim_source') }}

),

municipalities as (

    select * from {{ ref('ref_municipalities') }}

),

countries as (

    select * from {{ ref('ref_countries') }}

),

final as (

    select
        cast(batches.batch_id as bigint) as batch_id,
        cast(sources.source_dataset_key as text) as source_dataset_key,
        cast(batches.status as text) as status,
        cast(batches.status in ('passed', 'warned', 'partial') as boolean) as is_promoted,
        cast(batches.status in ('failed', 'rejected') as boolean) as is_failed,
        cast(batches.municipality as text) as municipality,
        cast(countries.iso3 as text) as country_key,
        cast(date_trunc('month', batches.period_start) as date) as period_month,
        cast(date_trunc('year', batches.period_start) as date) as period_year,
        cast(coalesce(batches.rows_received, 0) as bigint) as rows_received,
        cast(coalesce(batches.rows_loaded, 0) as bigint) as rows_loaded,
        cast(coalesce(batches.rows_quarantined, 0) as bigint) as rows_quarantined,
        cast(coalesce(batches.loaded_at, batches.started_at) as timestamptz) as loaded_at,
        cast(batches.superseded_by is not null as boolean) as is_superseded
    from batches
    inner join sources
        on
            batches.source = sources.source
            and batches.dataset = sources.dataset
    left join municipalities
        on batches.municipality = municipalities.lau_code
    left join countries
        on municipalities.country_code = countries.iso2
    where batches.status not in ('loading', 'loaded', 'error')

)

select * from final
