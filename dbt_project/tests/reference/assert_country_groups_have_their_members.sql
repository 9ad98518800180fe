-- The country groups the regional marts use have the number of members their
-- definitions give: EU27_2020 27, CEI 17 (16 active: Belarus is suspended), Western
-- Balkans 6, South-East Europe 14. Returns the groups that do not.

with

countries as (

    select * from {{ ref('ref_countries') }}

),

counted as (

    select
        count(*) filter (where is_eu27_2020) as eu27_2020,
        count(*) filter (where is_cei_member) as cei,
        count(*) filter (where cei_status = 'member') as cei_active,
        count(*) filter (where is_western_balkans) as western_balkans,
        count(*) filter (where is_south_east_europe) as south_east_europe
    from countries

),

compared as (

    select
        country_groups.country_group,
        country_groups.expected,
        country_groups.members
    from counted
    cross join lateral (
        values
        ('eu27_2020', 27, counted.eu27_2020),
        ('cei', 17, counted.cei),
        ('cei_active', 16, counted.cei_active),
        ('western_balkans', 6, counted.western_balkans),
        ('south_east_europe', 14, counted.south_east_europe)
    ) as country_groups (country_group, expected, members)

)

select * from compared
where members != expected
