-- First-time, subsequent and all asylum applicants per country of asylum, origin and
-- month (all sexes, all ages), side by side: Eurostat's monthly dataset as the
-- harmonised fact holds it (ISO3 keys, countries of asylum only). Origins: countries,
-- stateless, unknown and Eurostat's all-origins total (origin_kind `all`): never add
-- the `all` row to the others.

with

applications as (

    select * from {{ ref('fct_asylum_applications') }}

),

countries as (

    select * from {{ ref('dim_country') }}

),

monthly_all_sexes_and_ages as (

    select
        *,
        coalesce(origin_country_key, origin_kind) as origin_key
    from applications
    where
        source_dataset_key = 'eurostat__asylum_applicants_monthly'
        and sex = 'T'
        and is_all_ages
        and application_type in ('first_time', 'subsequent', 'total')

),

pivoted as (

    -- Several source codes resolve to one origin only where Eurostat's NAT (the
    -- reporting country's own citizens) meets that country's own code: summed.
    select
        country_key,
        origin_key,
        origin_country_key,
        origin_kind,
        period_start as month,
        sum(applications) filter (
            where application_type = 'first_time'
        ) as first_time_applicants,
        sum(applications) filter (
            where application_type = 'subsequent'
        ) as subsequent_applicants,
        sum(applications) filter (where application_type = 'total') as applicants_total,
        string_agg(distinct source_flag, ',' order by source_flag) as status_flags,
        string_agg(distinct source_country_code, ',' order by source_country_code)
            as source_country_code,
        string_agg(distinct source_origin_code, ',' order by source_origin_code)
            as source_origin_code,
        max(source_dataset_key) as source_dataset_key,
        max(batch_id) as latest_batch_id
    from monthly_all_sexes_and_ages
    group by
        country_key,
        origin_key,
        origin_country_key,
        origin_kind,
        period_start

),

final as (

    select
        cast(pivoted.country_key as text) as country_key,
        cast(asylum_countries.country_name as text) as country_name,
        cast(pivoted.origin_key as text) as origin_key,
        cast(pivoted.origin_country_key as text) as origin_country_key,
        cast(origin_countries.country_name as text) as origin_country_name,
        cast(pivoted.origin_kind as text) as origin_kind,
        cast(pivoted.month as date) as month,
        cast(pivoted.first_time_applicants as bigint) as first_time_applicants,
        cast(pivoted.subsequent_applicants as bigint) as subsequent_applicants,
        cast(pivoted.applicants_total as bigint) as applicants_total,
        cast(pivoted.status_flags as text) as status_flags,
        cast(pivoted.source_country_code as text) as source_country_code,
        cast(pivoted.source_origin_code as text) as source_origin_code,
        cast(pivoted.source_dataset_key as text) as source_dataset_key,
        cast(pivoted.latest_batch_id as bigint) as latest_batch_id
    from pivoted
    inner join countries as asylum_countries
        on pivoted.country_key = asylum_countries.country_key
    left join countries as origin_countries
        on pivoted.origin_country_key = origin_countries.country_key

)

select * from final
