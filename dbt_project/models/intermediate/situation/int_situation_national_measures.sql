-- The components of the national situation that only exist per country, per
-- country and calendar period (month, quarter, year): arrivals counted by UNHCR,
-- asylum applications and decisions (Eurostat), and funds a national body reports
-- for the country as a whole. Where a source publishes its own all-origins total,
-- that published figure is used; otherwise the origins are added (countries and
-- residuals, never groups). For a year, the annual dataset's figure is preferred to
-- the sum of the months, as the one the source publishes for the year.

with

arrivals as (

    select * from {{ ref('fct_arrivals') }}

),

applications as (

    select * from {{ ref('fct_asylum_applications') }}

),

decisions as (

    select * from {{ ref('fct_asylum_decisions') }}

),

funding as (

    select * from {{ ref('fct_funding') }}

),

odp_arrivals as (

    -- ODP sends each country's arrivals per day and per month: the months only, so
    -- nothing is counted twice; per place and year where no time series exists.
    select
        country_key,
        period_start,
        period_end,
        case
            when source_dataset_key = 'unhcr_odp__arrivals_timeseries' then 'monthly'
            else 'annual'
        end as series,
        sum(arrivals) as arrivals_international,
        max(source_dataset_key) as source_dataset_key,
        max(batch_id) as batch_id
    from arrivals
    where
        reporting_level = 'international'
        and (
            (source_dataset_key = 'unhcr_odp__arrivals_timeseries' and period_grain = 'month')
            or (source_dataset_key = 'unhcr_odp__arrivals_by_sublocation' and period_grain = 'year')
        )
    group by country_key, period_start, period_end, source_dataset_key

),

eurostat_applications as (

    -- All ages and sexes; the published all-origins total where the source sent one.
    select
        country_key,
        period_start,
        period_end,
        case
            when source_dataset_key = 'eurostat__asylum_applicants_monthly' then 'monthly'
            else 'annual'
        end as series,
        coalesce(
            sum(applications) filter (where application_type = 'total' and origin_kind = 'all'),
            sum(applications) filter (where application_type = 'total' and origin_kind <> 'all')
        ) as asylum_applications,
        coalesce(
            sum(applications) filter (
                where application_type = 'first_time' and origin_kind = 'all'
            ),
            sum(applications) filter (
                where application_type = 'first_time' and origin_kind <> 'all'
            )
        ) as first_time_applications,
        max(source_dataset_key) as source_dataset_key,
        max(batch_id) as batch_id
    from applications
    where
        source_dataset_key in (
            'eurostat__asylum_applicants_monthly', 'eurostat__asylum_applicants_annual'
        )
        and sex = 'T'
        and is_all_ages
    group by country_key, period_start, period_end, source_dataset_key

),

eurostat_decisions as (

    select
        country_key,
        period_start,
        period_end,
        coalesce(
            sum(decisions) filter (where decision = 'total' and origin_kind = 'all'),
            sum(decisions) filter (where decision = 'total' and origin_kind <> 'all')
        ) as decisions_total,
        coalesce(
            sum(decisions) filter (where decision = 'positive' and origin_kind = 'all'),
            sum(decisions) filter (where decision = 'positive' and origin_kind <> 'all')
        ) as decisions_positive,
        max(source_dataset_key) as source_dataset_key,
        max(batch_id) as batch_id
    from decisions
    where
        source_dataset_key = 'eurostat__asylum_decisions_first_instance'
        and sex = 'T'
        and is_all_ages
    group by country_key, period_start, period_end

),

national_funding as (

    -- A national body's funds for the country as a whole, in euros.
    select * from (
        select
            *,
            row_number() over (
                partition by
                    geography_key, period_start, period_end, fund_source, programme,
                    currency_code
                order by batch_id desc
            ) as report_rank
        from funding
        where
            geography_level = 'country'
            and currency_code = 'EUR'
    ) as ranked
    where report_rank = 1

),

components as (

    select
        country_key,
        period_start,
        period_end,
        case when series = 'monthly' then arrivals_international end
            as arrivals_international,
        case when series = 'annual' then arrivals_international end
            as arrivals_international_annual,
        cast(null as bigint) as asylum_applications,
        cast(null as bigint) as asylum_applications_annual,
        cast(null as bigint) as first_time_applications,
        cast(null as bigint) as first_time_applications_annual,
        cast(null as bigint) as decisions_total,
        cast(null as bigint) as decisions_positive,
        cast(null as numeric) as funding_planned_eur,
        cast(null as numeric) as funding_disbursed_eur,
        source_dataset_key,
        batch_id
    from odp_arrivals

    union all

    select
        country_key,
        period_start,
        period_end,
        null as arrivals_international,
        null as arrivals_international_annual,
        case when series = 'monthly' then asylum_applications end as asylum_applications,
        case
            when series = 'annual' then asylum_applications
        end as asylum_applications_annual,
        case
            when series = 'monthly' then first_time_applications
        end as first_time_applications,
        case
            when series = 'annual' then first_time_applications
        end as first_time_applications_annual,
        null as decisions_total,
        null as decisions_positive,
        null as funding_planned_eur,
        null as funding_disbursed_eur,
        source_dataset_key,
        batch_id
    from eurostat_applications

    union all

    select
        country_key,
        period_start,
        period_end,
        null as arrivals_international,
        null as arrivals_international_annual,
        null as asylum_applications,
        null as asylum_applications_annual,
        null as first_time_applications,
        null as first_time_applications_annual,
        decisions_total,
        decisions_positive,
        null as funding_planned_eur,
        null as funding_disbursed_eur,
        source_dataset_key,
        batch_id
    from eurostat_decisions

    union all

    select
        country_key,
        period_start,
        period_end,
        null as arrivals_international,
        null as arrivals_international_annual,
        null as asylum_applications,
        null as asylum_applications_annual,
        null as first_time_applications,
        null as first_time_applications_annual,
        null as decisions_total,
        null as decisions_positive,
        planned_amount as funding_planned_eur,
        disbursed_amount as funding_disbursed_eur,
        source_dataset_key,
        batch_id
    from national_funding

),

placed as (

    select
        components.*,
        mart_grains.mart_grain as period_grain,
        {{ mart_period_start('components.period_start') }} as mart_period_start,
        {{ mart_period_end('components.period_start') }} as mart_period_end
    from components
    {{ in_mart_periods(['month', 'quarter', 'year'], 'components') }}

),

summed as (

    select
        country_key,
        mart_period_start,
        mart_period_end,
        period_grain,
        sum(arrivals_international) as arrivals_international,
        sum(arrivals_international_annual) as arrivals_international_annual,
        sum(asylum_applications) as asylum_applications,
        sum(asylum_applications_annual) as asylum_applications_annual,
        sum(first_time_applications) as first_time_applications,
        sum(first_time_applications_annual) as first_time_applications_annual,
        sum(decisions_total) as decisions_total,
        sum(decisions_positive) as decisions_positive,
        sum(funding_planned_eur) as funding_planned_eur,
        sum(funding_disbursed_eur) as funding_disbursed_eur,
        array_agg(distinct source_dataset_key order by source_dataset_key)
            as source_dataset_keys,
        max(batch_id) as latest_batch_id
    from placed
    group by country_key, mart_period_start, mart_period_end, period_grain

),

final as (

    select
        cast(country_key as text) as country_key,
        cast(mart_period_start as date) as period_start,
        cast(mart_period_end as date) as period_end,
        cast(period_grain as text) as period_grain,
        -- A year: the source's annual figure where the monthly series has none.
        cast(coalesce(arrivals_international, arrivals_international_annual) as bigint)
            as arrivals_international,
        cast(
            case
                when period_grain = 'year'
                    then coalesce(asylum_applications_annual, asylum_applications)
                else asylum_applications
            end as bigint
        ) as asylum_applications,
        cast(
            case
                when period_grain = 'year'
                    then coalesce(first_time_applications_annual, first_time_applications)
                else first_time_applications
            end as bigint
        ) as first_time_applications,
        cast(decisions_total as bigint) as decisions_total,
        cast(decisions_positive as bigint) as decisions_positive,
        cast(funding_planned_eur as numeric(18, 2)) as funding_planned_eur,
        cast(funding_disbursed_eur as numeric(18, 2)) as funding_disbursed_eur,
        cast(source_dataset_keys as text[]) as source_dataset_keys,
        cast(latest_batch_id as bigint) as latest_batch_id
    from summed

)

select * from final
