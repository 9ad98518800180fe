-- The municipalities most affected, per country and month: arrivals against
-- population (arrivals per 1,000) and against the country's arrivals (share), and
-- reception occupancy against capacity, with the change since the previous month.
-- The basis for solidarity and joint planning of funds. pressure_rank orders a
-- country's municipalities in a month: arrivals per 1,000 inhabitants first (where
-- the population is known), then the share of the country's arrivals, then the
-- occupancy rate.

with

local_situation as (

    select * from {{ ref('mart_local_situation') }}

),

national as (

    select * from {{ ref('mart_national_situation') }}

),

monthly as (

    select * from local_situation
    where period_grain = 'month'

),

with_previous as (

    select
        monthly.*,
        previous.arrivals as arrivals_previous_month,
        previous.occupancy_rate as occupancy_rate_previous_month,
        national.arrivals as country_arrivals
    from monthly
    left join monthly as previous
        on
            monthly.municipality_lau_code = previous.municipality_lau_code
            and previous.period_start = cast(monthly.period_start - interval '1 month' as date)
    left join national
        on
            monthly.country_key = national.country_key
            and monthly.period_start = national.period_start
            and national.period_grain = 'month'

),

final as (

    select
        cast(situation_key as text) as pressure_key,
        cast(municipality_lau_code as text) as municipality_lau_code,
        cast(municipality_name as text) as municipality_name,
        cast(country_key as text) as country_key,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(population as bigint) as population,
        cast(arrivals as bigint) as arrivals,
        cast(arrivals_per_1000 as numeric(12, 4)) as arrivals_per_1000,
        cast(
            cast(arrivals as numeric) / nullif(country_arrivals, 0) as numeric(8, 4)
        ) as share_of_country_arrivals,
        cast(arrivals_previous_month as bigint) as arrivals_previous_month,
        cast(arrivals - arrivals_previous_month as bigint) as arrivals_change,
        cast(
            100.0 * (arrivals - arrivals_previous_month) / nullif(arrivals_previous_month, 0)
            as numeric(9, 2)
        ) as arrivals_change_pct,
        -- More than 10 % up or down counts as a change, not noise.
        cast(
            case
                when arrivals is null or arrivals_previous_month is null then null
                when arrivals > 1.1 * arrivals_previous_month then 'rising'
                when arrivals < 0.9 * arrivals_previous_month then 'falling'
                else 'stable'
            end as text
        ) as arrivals_trend,
        cast(bed_days_capacity as bigint) as bed_days_capacity,
        cast(bed_days_occupied as bigint) as bed_days_occupied,
        cast(occupancy_rate as numeric(8, 4)) as occupancy_rate,
        cast(occupancy_rate_previous_month as numeric(8, 4)) as occupancy_rate_previous_month,
        cast(people_in_need as bigint) as people_in_need,
        cast(funding_planned_eur as numeric(18, 2)) as funding_planned_eur,
        cast(funding_disbursed_eur as numeric(18, 2)) as funding_disbursed_eur,
        cast(
            rank() over (
                partition by country_key, period_start
                order by
                    arrivals_per_1000 desc nulls last,
                    cast(arrivals as numeric) / nullif(country_arrivals, 0) desc nulls last,
                    occupancy_rate desc nulls last
            ) as integer
        ) as pressure_rank,
        cast(days_in_period as integer) as days_in_period,
        cast(days_covered as integer) as days_covered,
        cast(period_coverage as numeric(5, 4)) as period_coverage,
        cast(is_complete_period as boolean) as is_complete_period,
        cast(incomplete_figures as text) as incomplete_figures,
        cast(source_datasets as text) as source_datasets,
        cast(latest_batch_id as bigint) as latest_batch_id,
        cast(quality_score as numeric(5, 4)) as quality_score
    from with_previous

)

select * from final
