-- The same figures where the reporting country or the citizenship is an aggregate
-- (EU27_2020, TOTAL, EXT_EU27_2020, UNK, STLS, ...): kept apart from the country
-- mart so that nobody sums them with countries.

with

applications as (

    select * from {{ ref('int_asylum_applications_pivoted') }}

),

aggregates as (

    select * from applications
    where
        has_first_time_observation
        and (is_geo_aggregate or is_citizen_aggregate)

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
        latest_batch_id,
        is_geo_aggregate,
        is_citizen_aggregate
    from aggregates

)

select * from final
