-- Asylum applicants by citizenship, sex, age and type, monthly (migr_asyappctzm):
-- one row per observation, from the latest promoted batch that carries it.

with

source as (

    select * from {{ source('eurostat', 'asylum_applicants_monthly') }}

),

aggregate_codes as (

    select * from {{ ref('eurostat_aggregate_codes') }}

),

latest as (

    -- Promoted batches without their quarantined rows; the latest batch per key.
    {{ latest_promoted_rows('source', ['geo', 'citizen', 'sex', 'applicant', 'age', 'time']) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['geo', 'citizen', 'sex', 'applicant', 'age', 'time']) }}
            as observation_id,

        ---------- dimensions
        cast(geo as text) as geo_code,
        cast(citizen as text) as citizen_code,
        cast(sex as text) as sex_code,
        cast(applicant as text) as applicant_type,
        cast(age as text) as age_code,
        cast(to_date(time, 'YYYY-MM') as date) as month,

        ---------- measures
        cast(nullif(value, '') as integer) as applicants,
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
