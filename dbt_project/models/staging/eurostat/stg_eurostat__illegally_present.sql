-- Third-country nationals found to be illegally present, by citizenship, sex, age,
-- reason and place of apprehension, per year (migr_eipre): one row per observation,
-- from the latest promoted batch that carries it.

{% set key_columns = ['geo', 'citizen', 'sex', 'age', 'reason', 'apprehen', 'time'] %}

with

source as (

    select * from {{ source('eurostat', 'illegally_present') }}

),

aggregate_codes as (

    select * from {{ ref('eurostat_aggregate_codes') }}

),

latest as (

    -- Promoted batches without their quarantined rows; the latest batch per key.
    {{ latest_promoted_rows('source', key_columns) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(key_columns) }} as observation_id,

        ---------- dimensions
        cast(geo as text) as geo_code,
        cast(citizen as text) as citizen_code,
        cast(sex as text) as sex_code,
        cast(age as text) as age_code,
        cast(reason as text) as reason_code,
        cast(apprehen as text) as apprehension_code,
        cast(time as integer) as year,  -- noqa: RF04

        ---------- measures
        cast(nullif(value, '') as bigint) as persons,
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
        citizen_aggregates.code is not null as is_citizen_aggregate
    from renamed
    left join aggregate_codes as geo_aggregates
        on renamed.geo_code = geo_aggregates.code
    left join aggregate_codes as citizen_aggregates
        on renamed.citizen_code = citizen_aggregates.code

)

select * from flagged
