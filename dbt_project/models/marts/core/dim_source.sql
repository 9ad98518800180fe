-- One row per raw dataset the warehouse ingests: who publishes it, where it comes
-- from, how often a new batch is expected and at which governance level it is
-- produced. Every fact row names its dataset by `source_dataset_key`.

with

datasets as (

    select * from {{ ref('ref_source_datasets') }}

),

final as (

    select
        cast(source || '__' || dataset as text) as source_dataset_key,
        cast(source as text) as source,
        cast(dataset as text) as dataset,
        cast(publisher as text) as publisher,
        cast(url as text) as url,
        cast(expected_cadence_days as integer) as expected_cadence_days,
        cast(governance_level as text) as governance_level,
        cast(description as text) as description,
        cast('raw.' || source || '__' || dataset as text) as raw_table
    from datasets

)

select * from final
