-- IDPs present per admin2 unit (district, raion), DTM operation, round,
-- displacement reason and origin: one row per figure (total, males, females),
-- from the latest promoted batch that carries it.

-- The natural key: one figure per operation, area, round, reason, origin,
-- assessment and measure.
{% set key_columns = [
    'operation', 'admin0_pcode', 'admin1_pcode', 'admin2_pcode', 'reporting_date',
    'round_number', 'displacement_reason', 'idp_origin_admin1_pcode', 'assessment_type',
    'measure'
] %}

with

source as (

    select * from {{ source('iom_dtm', 'displacement_admin2') }}

),

latest as (

    -- Promoted batches without their quarantined rows; the latest batch per key.
    {{ latest_promoted_rows('source', key_columns) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(key_columns) }} as observation_id,
        cast(id as bigint) as record_id,

        ---------- dimensions
        cast(operation as text) as operation_name,
        cast(admin0_pcode as text) as country_code,
        cast(admin0_name as text) as country_name,
        cast(admin1_pcode as text) as admin1_code,
        cast(admin1_name as text) as admin1_name,
        cast(admin2_pcode as text) as admin2_code,
        cast(admin2_name as text) as admin2_name,
        cast(left(reporting_date, 10) as date) as reporting_date,
        cast(year_reporting_date as integer) as reporting_year,
        cast(month_reporting_date as integer) as reporting_month,
        cast(round_number as integer) as round_number,
        cast(displacement_reason as text) as displacement_reason,
        -- DTM writes "Not available" where the origin is unknown: null here.
        cast(nullif(idp_origin_admin1_pcode, 'Not available') as text) as origin_admin1_code,
        cast(nullif(idp_origin_admin1_name, 'Not available') as text) as origin_admin1_name,
        cast(assessment_type as text) as assessment_type,

        ---------- measures
        cast(measure as text) as measure,
        cast(
            case measure
                when 'numPresentIdpInd' then 'T'
                when 'numberMales' then 'M'
                when 'numberFemales' then 'F'
            end as text
        ) as sex_code,
        cast(nullif(value, '') as bigint) as persons,
        cast(nullif(flag, '') as text) as status_flag,

        ---------- provenance
        cast(_batch_id as bigint) as batch_id,
        cast(_row_number as integer) as row_number,
        cast(batch_status as text) as batch_status

    from latest

)

select * from renamed
