-- First-time, subsequent and all asylum applicants per reporting country,
-- citizenship and month: countries only, so rows can be summed safely.

with

applications as (

    select * from {{ ref('int_asylum_applications_pivoted') }}

),

countries as (

    select * from applications
    where
        has_first_time_observation
        and not is_geo_aggregate
        and not is_citizen_aggregate

),

final as (

    select
        geo_code,
        citizen_code,
        month,
        first_time_applicants,
        subsequent_applicants,
        applicants_total,
        status_flags,
        source,
        dataset,
        latest_batch_id
    from countries

)

select * from final
