-- The region groups the regional marts report by, one row per group and member
-- country: EU27 (since 2020), the Central European Initiative (its member states,
-- Belarus included as suspended), the Western Balkans and South-East Europe.

with

countries as (

    select * from {{ ref('ref_countries') }}

),

memberships as (

    select
        'eu27_2020' as region_group_key,
        'European Union (27 countries, from 2020)' as region_group_name,
        iso3,
        'member' as membership_status
    from countries
    where is_eu27_2020

    union all

    select
        'cei' as region_group_key,
        'Central European Initiative' as region_group_name,
        iso3,
        cei_status as membership_status
    from countries
    where is_cei_member

    union all

    select
        'western_balkans' as region_group_key,
        'Western Balkans' as region_group_name,
        iso3,
        'member' as membership_status
    from countries
    where is_western_balkans

    union all

    select
        'south_east_europe' as region_group_key,
        'South-East Europe' as region_group_name,
        iso3,
        'member' as membership_status
    from countries
    where is_south_east_europe

),

final as (

    select
        cast(region_group_key as text) as region_group_key,
        cast(iso3 as text) as country_key,
        cast(region_group_name as text) as region_group_name,
        cast(membership_status as text) as membership_status,
        cast(membership_status = 'member' as boolean) as is_active_member
    from memberships

)

select * from final
