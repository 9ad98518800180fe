-- The governance levels agree: for every component fed by the municipalities, a
-- country's figure in mart_national_situation is the sum of its municipalities' rows
-- of the same period and grain in detail.mart_local_situation (the exact figures;
-- the published mart suppresses small ones), and a region group's figure in
-- mart_regional_situation the sum of its active members' national rows.
-- Returns the rows that disagree.

with

local_situation as (

    select * from {{ ref('mart_local_situation_detail') }}

),

national as (

    select * from {{ ref('mart_national_situation') }}

),

regional as (

    select * from {{ ref('mart_regional_situation') }}

),

members as (

    select * from {{ ref('dim_region_group_member') }}

),

local_sums as (

    select
        country_key,
        period_start,
        period_grain,
        sum(arrivals) as arrivals,
        sum(arrivals_national_report) as arrivals_national_report,
        sum(bed_days_capacity) as bed_days_capacity,
        sum(bed_days_occupied) as bed_days_occupied,
        sum(people_in_need) as people_in_need
    from local_situation
    where period_grain in ('month', 'quarter', 'year')
    group by country_key, period_start, period_grain

),

national_sums as (

    select
        members.region_group_key,
        national.period_start,
        national.period_grain,
        sum(national.arrivals) as arrivals,
        sum(national.arrivals_international) as arrivals_international,
        sum(national.asylum_applications) as asylum_applications,
        sum(national.bed_days_capacity) as bed_days_capacity,
        sum(national.people_in_need) as people_in_need
    from national
    inner join members
        on
            national.country_key = members.country_key
            and members.is_active_member
    group by members.region_group_key, national.period_start, national.period_grain

),

national_vs_local as (

    select
        'national' as governance_level,
        national.country_key as area,
        national.period_start,
        national.period_grain
    from national
    full outer join local_sums
        on
            national.country_key = local_sums.country_key
            and national.period_start = local_sums.period_start
            and national.period_grain = local_sums.period_grain
    where
        national.arrivals is distinct from local_sums.arrivals
        or national.arrivals_national_report is distinct from local_sums.arrivals_national_report
        or national.bed_days_capacity is distinct from local_sums.bed_days_capacity
        or national.bed_days_occupied is distinct from local_sums.bed_days_occupied
        or national.people_in_need is distinct from local_sums.people_in_need

),

regional_vs_national as (

    select
        'regional' as governance_level,
        regional.region_group_key as area,
        regional.period_start,
        regional.period_grain
    from regional
    full outer join national_sums
        on
            regional.region_group_key = national_sums.region_group_key
            and regional.period_start = national_sums.period_start
            and regional.period_grain = national_sums.period_grain
    where
        regional.arrivals is distinct from national_sums.arrivals
        or regional.arrivals_international is distinct from national_sums.arrivals_international
        or regional.asylum_applications is distinct from national_sums.asylum_applications
        or regional.bed_days_capacity is distinct from national_sums.bed_days_capacity
        or regional.people_in_need is distinct from national_sums.people_in_need

),

final as (

    select * from national_vs_local
    union all
    select * from regional_vs_national

)

select * from final
