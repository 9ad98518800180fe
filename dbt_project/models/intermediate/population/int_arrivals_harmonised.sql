-- Arrivals of the submitted registrations (municipalities' and national bodies' files)
-- and of UNHCR's Operational Data Portal (sea and land arrivals per country and day or
-- month; per disembarkation or border place and year) in one shape: places resolved to
-- a geography key and a country key, nationalities to the warehouse's country key, sex
-- and age mapped to the common sets of the seeds.

with

registered as (

    select * from {{ ref('stg_submissions__registered_arrivals') }}

),

odp_arrivals as (

    select * from {{ ref('stg_unhcr_odp__arrivals_timeseries') }}

),

odp_place_arrivals as (

    select * from {{ ref('stg_unhcr_odp__arrivals_by_sublocation') }}

),

municipalities as (

    select * from {{ ref('ref_municipalities') }}

),

countries as (

    select * from {{ ref('ref_countries') }}

),

country_codes as (

    select * from {{ ref('int_country_codes_unioned') }}

),

submissions_iso3_codes as materialized (

    {{ country_code_lookup('submissions', 'iso3') }}

),

source_aggregates as (

    select * from {{ ref('ref_source_aggregates') }}

),

sex_codes as (

    select * from {{ ref('ref_sex_codes') }}

),

age_groups as (

    select * from {{ ref('ref_age_groups') }}

),

registered_resolved as (

    -- The geography of a registration is the municipality of its location: the
    -- municipality itself, or the one a border crossing point lies in. A national
    -- body's file names the same locations, so its rows have the same geography;
    -- `reporting_level` tells the two reports apart.
    select
        'submissions' as source,
        'submissions__registered_arrivals' as source_dataset_key,
        registered.arrival_date as period_start,
        registered.arrival_date as period_end,
        'day' as period_grain,
        registered.reporting_level,
        registered.location_municipality_lau_code as geography_key,
        'municipality' as geography_level,
        countries.iso3 as country_key,
        registered.location_code,
        registered.location_type,
        case when registered.location_type = 'border_crossing' then 'land' end
            as arrival_mode,
        cast(null as integer) as population_group_id,
        registered.nationality_code as source_origin_code,
        nationalities.iso3 as origin_country_key,
        case
            when nationalities.iso3 is not null then 'country'
            when nationality_aggregates.kind = 'no_citizenship' then 'stateless'
            when nationality_aggregates.kind = 'unknown' then 'unknown'
            when nationality_aggregates.kind in ('others', 'ethnic_group') then 'others'
            when nationality_aggregates.kind is not null then 'aggregate'
            else 'unresolved'
        end as origin_kind,
        registered.sex_code as source_sex_code,
        sex_codes.sex,
        registered.age_group as source_age_band,
        age_groups.common_band as age_group,
        age_groups.is_total as is_all_ages,
        age_groups.is_subtotal as is_age_subtotal,
        registered.reporting_authority,
        registered.submitted_for_municipality,
        cast(registered.persons as bigint) as arrivals,
        cast(null as text) as source_flag,
        registered.batch_id
    from registered
    left join municipalities
        on registered.location_municipality_lau_code = municipalities.lau_code
    left join countries
        on municipalities.country_code = countries.iso2
    left join submissions_iso3_codes as nationalities
        on upper(trim(registered.nationality_code)) = nationalities.lookup_key
    left join source_aggregates as nationality_aggregates
        on
            nationality_aggregates.source = 'submissions'
            and registered.nationality_code = nationality_aggregates.code
    {{ sex_and_age_joins('submissions', 'registered.sex_code', 'registered.age_group') }}

),

odp_resolved as (

    -- ODP's figures are per country of arrival, all nationalities, sexes and ages.
    select
        'unhcr_odp' as source,
        'unhcr_odp__arrivals_timeseries' as source_dataset_key,
        odp_arrivals.period_start,
        odp_arrivals.period_end,
        odp_arrivals.frequency as period_grain,
        'international' as reporting_level,
        odp_arrivals.country_iso3 as geography_key,
        'country' as geography_level,
        odp_arrivals.country_iso3 as country_key,
        cast(odp_arrivals.geo_id as text) as location_code,
        'country' as location_type,
        odp_arrivals.arrival_mode,
        odp_arrivals.population_group_id,
        cast(null as text) as source_origin_code,
        cast(null as text) as origin_country_key,
        'all' as origin_kind,
        cast(null as text) as source_sex_code,
        'T' as sex,
        cast(null as text) as source_age_band,
        'total' as age_group,
        true as is_all_ages,
        true as is_age_subtotal,
        cast(null as text) as reporting_authority,
        cast(null as text) as submitted_for_municipality,
        odp_arrivals.arrivals,
        odp_arrivals.source_flag,
        odp_arrivals.batch_id
    from odp_arrivals
    where odp_arrivals.measure = 'individuals'

),

odp_place_periods as (

    -- A place's figure runs from 1 January to `as_of_date`: the whole year once that
    -- date reaches 31 December (ODP stamps a closed year with its last update, which
    -- can be in the next year), the year so far otherwise. A figure without a date, or
    -- dated before its year, covers no known period: it stays in staging.
    select
        *,
        make_date(reference_year, 1, 1) as period_start,
        case
            when is_year_to_date then as_of_date
            else make_date(reference_year, 12, 31)
        end as period_end
    from odp_place_arrivals
    where
        measure = 'individuals'
        and as_of_date >= make_date(reference_year, 1, 1)

),

odp_places_resolved as (

    -- ODP's figures per disembarkation or border place (an island, a province, or the
    -- country itself for Cyprus and Malta), all nationalities, sexes and ages. The
    -- place's country is the country ODP was asked about (stg_unhcr_odp__places);
    -- fct_arrivals leaves out a place whose country is not known.
    select
        'unhcr_odp' as source,
        'unhcr_odp__arrivals_by_sublocation' as source_dataset_key,
        period_start,
        period_end,
        {{ period_grain('period_start', 'period_end') }} as period_grain,
        'international' as reporting_level,
        country_iso3 as geography_key,
        'country' as geography_level,
        country_iso3 as country_key,
        cast(place_id as text) as location_code,
        'place' as location_type,
        arrival_mode,
        population_group_id,
        cast(null as text) as source_origin_code,
        cast(null as text) as origin_country_key,
        'all' as origin_kind,
        cast(null as text) as source_sex_code,
        'T' as sex,
        cast(null as text) as source_age_band,
        'total' as age_group,
        true as is_all_ages,
        true as is_age_subtotal,
        cast(null as text) as reporting_authority,
        cast(null as text) as submitted_for_municipality,
        count_value as arrivals,
        source_flag,
        batch_id
    from odp_place_periods

),

unioned as (

    select * from registered_resolved
    union all
    select * from odp_resolved
    union all
    select * from odp_places_resolved

),

final as (

    select
        cast(source as text) as source,
        cast(source_dataset_key as text) as source_dataset_key,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(period_grain as text) as period_grain,
        cast(reporting_level as text) as reporting_level,
        cast(geography_key as text) as geography_key,
        cast(geography_level as text) as geography_level,
        cast(country_key as text) as country_key,
        cast(location_code as text) as location_code,
        cast(location_type as text) as location_type,
        cast(arrival_mode as text) as arrival_mode,
        cast(population_group_id as integer) as population_group_id,
        cast(source_origin_code as text) as source_origin_code,
        cast(origin_country_key as text) as origin_country_key,
        cast(origin_kind as text) as origin_kind,
        cast(source_sex_code as text) as source_sex_code,
        cast(sex as text) as sex,
        cast(source_age_band as text) as source_age_band,
        cast(age_group as text) as age_group,
        cast(is_all_ages as boolean) as is_all_ages,
        cast(is_age_subtotal as boolean) as is_age_subtotal,
        cast(reporting_authority as text) as reporting_authority,
        cast(submitted_for_municipality as text) as submitted_for_municipality,
        cast(arrivals as bigint) as arrivals,
        cast(source_flag as text) as source_flag,
        cast(batch_id as bigint) as batch_id
    from unioned

)

select * from final
