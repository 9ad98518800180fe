-- No member country is missing from a region's figure without being named. For each
-- regional row and headline figure, the members with a national figure are counted
-- and the others listed; together they are the group's active members. And every
-- member with any asylum application figure for a year (from any dataset) reaches
-- the region's applications for that year. Returns the rows that break this.

with

regional as (

    select * from {{ ref('mart_regional_situation') }}

),

members as (

    select * from {{ ref('dim_region_group_member') }}
    where is_active_member

),

applications as (

    select * from {{ ref('fct_asylum_applications') }}

),

counts_add_up as (

    select
        regional.situation_key,
        'counted plus missing is not every member' as problem,
        shown.figure
    from regional
    cross join
        lateral (
            values
            ('arrivals', regional.arrivals_countries, regional.arrivals_countries_missing),
            (
                'arrivals_international', regional.arrivals_international_countries,
                regional.arrivals_international_countries_missing
            ),
            (
                'asylum_applications', regional.asylum_applications_countries,
                regional.asylum_applications_countries_missing
            ),
            (
                'decisions_total', regional.decisions_total_countries,
                regional.decisions_total_countries_missing
            )
        ) as shown (figure, counted, missing)
    where
        shown.counted + coalesce(cardinality(string_to_array(shown.missing, ', ')), 0)
        <> regional.member_countries

),

members_with_applications as (

    select distinct
        members.region_group_key,
        members.country_key,
        cast(date_trunc('year', applications.period_start) as date) as year_start
    from applications
    inner join members
        on applications.country_key = members.country_key
    where
        applications.period_end <= applications.period_start + interval '1 year'
        and date_trunc('year', applications.period_start)
        = date_trunc('year', applications.period_end)
        and applications.applications is not null
        and applications.application_type <> 'appeal'

),

silently_missing as (

    select
        regional.situation_key,
        'a member with applications is listed as missing' as problem,
        members_with_applications.country_key as figure
    from members_with_applications
    inner join regional
        on
            members_with_applications.region_group_key = regional.region_group_key
            and members_with_applications.year_start = regional.period_start
            and regional.period_grain = 'year'
    where
        regional.asylum_applications_countries_missing
        like '%' || members_with_applications.country_key || '%'

)

select * from counts_add_up
union all
select * from silently_missing
