-- The additive components of the situation marts per municipality and calendar
-- period (week, month, quarter, year), from the facts the municipalities and
-- ministries feed: registered arrivals, reception bed-days, needs and funding. The
-- national and regional marts sum these rows, so local, national and regional
-- figures agree by construction. Rows are placed in periods by macro in_mart_periods.

with

arrivals as (

    select * from {{ ref('fct_arrivals') }}

),

occupancy as (

    select * from {{ ref('fct_reception_occupancy') }}

),

needs as (

    select * from {{ ref('fct_needs') }}

),

funding as (

    select * from {{ ref('fct_funding') }}

),

registered_places as (

    -- Leaf rows only (one sex, one age band), so no subtotal is counted twice; one
    -- figure per reporter, place and reported period.
    {{ arrivals_by_place('arrivals') }}

),

registered_rule as (

    {{ arrivals_authority_rule('registered_places') }}

),

registered as (

    select
        geography_key,
        country_key,
        period_start,
        period_end,
        case when reporting_level = 'municipality' then arrivals end as arrivals,
        case when reporting_level = 'national' then arrivals end as arrivals_national_report,
        source_dataset_key,
        batch_id
    from registered_rule

),

facility_days as (

    -- One report per facility and day: where a municipality and a ministry both
    -- reported it, the later file's.
    {{ latest_report('occupancy', partition_by=['facility_id', 'period_start']) }}

),

needs_assessed as (

-- One assessment per municipality, period and sector: the later file's.
    {{ latest_report(
        'needs', partition_by=['geography_key', 'period_start', 'period_end', 'sector'],
    ) }}

),

needs_per_municipality as (

    -- The same person may need help in several sectors, so sectors are never added:
    -- a municipality's people in need (and reached) are its largest sector's, as in
    -- humanitarian needs overviews. Municipalities are then added up.
    select
        geography_key,
        max(country_key) as country_key,
        period_start,
        period_end,
        max(people_in_need) as people_in_need,
        max(people_reached) as people_reached,
        max(source_dataset_key) as source_dataset_key,
        max(batch_id) as batch_id
    from needs_assessed
    group by geography_key, period_start, period_end

),

funding_lines as (

-- A municipality's funds in euros (no exchange rates are held: other currencies
-- stay in fct_funding). The later file's line where two scopes sent the same one.
    {{ latest_report(
        'funding',
        partition_by=[
            'geography_key', 'period_start', 'period_end', 'fund_source', 'programme',
            'currency_code',
        ],
        where="geography_level = 'municipality' and currency_code = 'EUR'",
    ) }}

),

components as (

    select
        geography_key,
        country_key,
        period_start,
        period_end,
        false as is_stock,
        arrivals,
        arrivals_national_report,
        cast(null as bigint) as bed_days_capacity,
        cast(null as bigint) as bed_days_occupied,
        cast(null as bigint) as people_in_need,
        cast(null as bigint) as people_reached,
        cast(null as numeric) as funding_planned_eur,
        cast(null as numeric) as funding_disbursed_eur,
        source_dataset_key,
        batch_id
    from registered

    union all

    select
        geography_key,
        country_key,
        period_start,
        period_end,
        false as is_stock,
        null as arrivals,
        null as arrivals_national_report,
        capacity_beds as bed_days_capacity,
        occupied_beds as bed_days_occupied,
        null as people_in_need,
        null as people_reached,
        null as funding_planned_eur,
        null as funding_disbursed_eur,
        source_dataset_key,
        batch_id
    from facility_days

    union all

    -- People in need and reached are counts of people at a time, not flows: a
    -- period shows them only from an assessment of exactly that period.
    select
        geography_key,
        country_key,
        period_start,
        period_end,
        true as is_stock,
        null as arrivals,
        null as arrivals_national_report,
        null as bed_days_capacity,
        null as bed_days_occupied,
        people_in_need,
        people_reached,
        null as funding_planned_eur,
        null as funding_disbursed_eur,
        source_dataset_key,
        batch_id
    from needs_per_municipality

    union all

    select
        geography_key,
        country_key,
        period_start,
        period_end,
        false as is_stock,
        null as arrivals,
        null as arrivals_national_report,
        null as bed_days_capacity,
        null as bed_days_occupied,
        null as people_in_need,
        null as people_reached,
        planned_amount as funding_planned_eur,
        disbursed_amount as funding_disbursed_eur,
        source_dataset_key,
        batch_id
    from funding_lines

),

placed as (

    select
        components.*,
        mart_grains.mart_grain as period_grain,
        {{ mart_period_start('components.period_start') }} as mart_period_start,
        {{ mart_period_end('components.period_start') }} as mart_period_end
    from components
    {{ in_mart_periods(['week', 'month', 'quarter', 'year'], 'components') }}

),

whole_periods_for_stocks as (

    select * from placed
    where
        not is_stock
        or (period_start = mart_period_start and period_end = mart_period_end)

),

final as (

    select
        cast(geography_key as text) as geography_key,
        cast(max(country_key) as text) as country_key,
        cast(mart_period_start as date) as period_start,
        cast(mart_period_end as date) as period_end,
        cast(period_grain as text) as period_grain,
        cast(sum(arrivals) as bigint) as arrivals,
        cast(sum(arrivals_national_report) as bigint) as arrivals_national_report,
        cast(sum(bed_days_capacity) as bigint) as bed_days_capacity,
        cast(sum(bed_days_occupied) as bigint) as bed_days_occupied,
        cast(sum(people_in_need) as bigint) as people_in_need,
        cast(sum(people_reached) as bigint) as people_reached,
        cast(sum(funding_planned_eur) as numeric(18, 2)) as funding_planned_eur,
        cast(sum(funding_disbursed_eur) as numeric(18, 2)) as funding_disbursed_eur,
        -- The days of the period each figure's rows cover (macro covered_dates).
        cast(
            {{ covered_dates('period_start', 'period_end', 'arrivals is not null') }}
            as datemultirange
        ) as arrivals_dates,
        cast(
            {{ covered_dates(
                'period_start', 'period_end', 'arrivals_national_report is not null',
            ) }} as datemultirange
        ) as arrivals_national_report_dates,
        cast(
            {{ covered_dates('period_start', 'period_end', 'bed_days_capacity is not null') }}
            as datemultirange
        ) as bed_days_dates,
        cast(
            {{ covered_dates('period_start', 'period_end', 'people_in_need is not null') }}
            as datemultirange
        ) as needs_dates,
        cast(
            {{ covered_dates(
                'period_start', 'period_end',
                'coalesce(funding_planned_eur, funding_disbursed_eur) is not null',
            ) }} as datemultirange
        ) as funding_dates,
        cast(array_agg(distinct source_dataset_key order by source_dataset_key) as text[])
            as source_dataset_keys,
        cast(max(batch_id) as bigint) as latest_batch_id
    from whole_periods_for_stocks
    group by geography_key, mart_period_start, mart_period_end, period_grain

)

select * from final
