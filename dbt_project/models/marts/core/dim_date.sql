-- One row per calendar day from 2000-01-01 to 2030-12-31, with the week (ISO 8601,
-- Monday first), month, quarter and year each day belongs to: the periods the facts
-- and marts report by.

with

days as (

    select cast(day_ts as date) as date_day
    from generate_series(
        cast('2000-01-01' as date),
        cast('2030-12-31' as date),
        interval '1 day'
    ) as day_ts

),

final as (

    select
        date_day,
        cast(extract(isodow from date_day) as integer) as iso_day_of_week,
        cast(trim(to_char(date_day, 'Day')) as text) as day_name,
        extract(isodow from date_day) in (6, 7) as is_weekend,
        cast(extract(isoyear from date_day) as integer) as iso_year,
        cast(extract(week from date_day) as integer) as iso_week,
        cast(to_char(date_day, 'IYYY-"W"IW') as text) as iso_year_week,
        cast(date_trunc('week', date_day) as date) as week_start,
        cast(date_trunc('week', date_day) + interval '6 days' as date) as week_end,
        cast(extract(month from date_day) as integer) as month_number,
        cast(trim(to_char(date_day, 'Month')) as text) as month_name,
        cast(date_trunc('month', date_day) as date) as month_start,
        cast(
            date_trunc('month', date_day) + interval '1 month' - interval '1 day' as date
        ) as month_end,
        cast(extract(quarter from date_day) as integer) as quarter_number,
        cast(date_trunc('quarter', date_day) as date) as quarter_start,
        cast(extract(year from date_day) as integer) as year_number,
        cast(date_trunc('year', date_day) as date) as year_start,
        cast(extract(day from date_day) as integer) as day_of_month,
        cast(extract(doy from date_day) as integer) as day_of_year
    from days

)

select * from final
