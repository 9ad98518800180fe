-- First-instance asylum decisions by outcome, citizenship, sex and age, per year
-- (migr_asydcfsta): one row per observation, from the latest promoted batch.

with

source as (

    select * from {{ source('eurostat', 'asylum_decisions_first_instance') }}

),

aggregate_codes as (

    select * from {{ ref('eurostat_aggregate_codes') }}

),

latest as (

    -- Promoted batches without their quarantined rows; the latest batch per key.
    {{ latest_promoted_rows('source', ['geo', 'citizen', 'sex', 'age', 'decision', 'time']) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['geo', 'citizen', 'sex', 'age', 'decision', 'time']) }}
            as observation_id,

        ---------- dimensions
        cast(geo as text) as geo_code,
        cast(citizen as text) as citizen_code,
        cast(sex as text) as sex_code,
        cast(age as text) as age_code,
        cast(decision as text) as decision_code,
        cast(time as integer) as year,  -- noqa: RF04

        ---------- measures
        cast(nullif(value, '') as bigint) as decisions,
        cast(nullif(flag, '') as text) as status_flag,

        ---------- source metadata
        cast(freq as text) as frequency_code,
        cast(unit as text) as unit_code,
        cast(measure as text) as dataset_code,

        ---------- provenance
        {{ provenance_columns() }}

    from latest

),

flagged as (

    select
        renamed.*,
        geo_aggregates.code is not null as is_geo_aggregate,
        citizen_aggregates.code is not null as is_citizen_aggregate,
        -- TOTAL = POS + NEG and POS = POS_RFG + POS_HUM + POS_SPROT: never sum them
        -- with the outcomes they contain.
        coalesce(renamed.decision_code in ('TOTAL', 'POS'), false) as is_decision_subtotal
    from renamed
    left join aggregate_codes as geo_aggregates
        on renamed.geo_code = geo_aggregates.code
    left join aggregate_codes as citizen_aggregates
        on renamed.citizen_code = citizen_aggregates.code

)

select * from flagged
