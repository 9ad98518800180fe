-- Asylum applications per reporting country, citizenship and month (all sexes, all
-- ages), with the three applicant types side by side: one row per
-- geo_code x citizen_code x month, countries and aggregates alike.

with

observations as (

    select * from {{ ref('stg_eurostat__asylum_applicants_monthly') }}

),

all_sexes_and_ages as (

    select * from observations
    where
        sex_code = 'T'
        and age_code = 'TOTAL'

),

pivoted as (

    select
        geo_code,
        citizen_code,
        month,
        is_geo_aggregate,
        is_citizen_aggregate,
        bool_or(applicant_type = 'FRST') as has_first_time_observation,
        max(applicants) filter (where applicant_type = 'FRST') as first_time_applicants,
        max(applicants) filter (where applicant_type = 'SSEQ') as subsequent_applicants,
        max(applicants) filter (where applicant_type = 'TOTAL') as applicants_total,
        string_agg(distinct status_flag, ',' order by status_flag) as status_flags,
        max(batch_id) as latest_batch_id
    from all_sexes_and_ages
    group by
        geo_code,
        citizen_code,
        month,
        is_geo_aggregate,
        is_citizen_aggregate

),

final as (

    select
        geo_code,
        citizen_code,
        month,
        is_geo_aggregate,
        is_citizen_aggregate,
        has_first_time_observation,
        cast(first_time_applicants as integer) as first_time_applicants,
        cast(subsequent_applicants as integer) as subsequent_applicants,
        cast(applicants_total as integer) as applicants_total,
        cast(status_flags as text) as status_flags,
        cast('eurostat' as text) as source,
        cast('migr_asyappctzm' as text) as dataset,
        cast(latest_batch_id as bigint) as latest_batch_id
    from pivoted

)

select * from final
