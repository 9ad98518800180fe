-- Population stocks of four datasets in one shape: UNHCR's people forcibly displaced or
-- stateless at the end of each year (population/, and demographics/ by sex and age),
-- the World Bank's international migrant stock (SM.POP.TOTL) and total population
-- (SP.POP.TOTL, the denominator of per-1,000 figures), and Eurostat's residents by
-- citizenship on 1 January. Codes resolved to the warehouse's country key, sex and age
-- mapped to the common sets of the seeds, population types to one vocabulary.

with

unhcr_population as (

    select * from {{ ref('stg_unhcr__population') }}

),

unhcr_demographics as (

    select * from {{ ref('stg_unhcr__demographics') }}

),

worldbank_indicators as (

    select * from {{ ref('stg_worldbank__indicators') }}

),

eurostat_population as (

    select * from {{ ref('stg_eurostat__population_by_citizenship') }}

),

country_codes as (

    select * from {{ ref('int_country_codes_unioned') }}

),

unhcr_codes as materialized (

    {{ country_code_lookup('unhcr', 'unhcr') }}

),

unhcr_iso3_codes as materialized (

    {{ country_code_lookup('unhcr', 'iso3') }}

),

worldbank_codes as materialized (

    {{ country_code_lookup('worldbank', 'worldbank') }}

),

worldbank_iso2_codes as materialized (

    {{ country_code_lookup('worldbank', 'worldbank_iso2') }}

),

eurostat_geo_codes as materialized (

    {{ country_code_lookup('eurostat', 'eurostat_geo') }}

),

eurostat_aggregates as (

    select * from {{ ref('eurostat_aggregate_codes') }}

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

population_types as (

    -- The population groups of UNHCR's population/ (count fields) and demographics/
    -- (pop_type codes) in one vocabulary. The returns (returned_refugees,
    -- returned_idps) are flows during the year, not stocks: they are left out.
    select * from (
        values
        ('refugees', 'refugees'),
        ('REF', 'refugees'),
        ('asylum_seekers', 'asylum_seekers'),
        ('ASY', 'asylum_seekers'),
        ('idps', 'idps'),
        ('IDP', 'idps'),
        ('stateless', 'stateless'),
        ('STA', 'stateless'),
        ('oip', 'other_in_need_of_international_protection'),
        ('OIP', 'other_in_need_of_international_protection'),
        ('ooc', 'others_of_concern'),
        ('OOC', 'others_of_concern'),
        ('hst', 'host_community'),
        ('HST', 'host_community')
    ) as population_types (source_population_type, population_type)

),

unhcr_unioned as (

    select
        'unhcr__population' as source_dataset_key,
        reference_year,
        asylum_code,
        asylum_iso3,
        is_asylum_summed,
        origin_code,
        origin_iso3,
        is_origin_summed,
        population_group as source_population_type,
        cast(null as text) as sex_code,
        cast(null as text) as age_band,
        persons,
        value_flag,
        is_not_applicable,
        batch_id
    from unhcr_population

    union all

    select
        'unhcr__demographics' as source_dataset_key,
        reference_year,
        asylum_code,
        asylum_iso3,
        is_asylum_summed,
        origin_code,
        origin_iso3,
        is_origin_summed,
        population_type as source_population_type,
        sex_code,
        age_band,
        persons,
        value_flag,
        is_not_applicable,
        batch_id
    from unhcr_demographics

),

unhcr_resolved as (

    -- UNHCR's own codes first (NIG is Nigeria, GFR Germany), its ISO3 columns as the
    -- fallback; UNHCR counts at the end of the year.
    select
        'unhcr' as source,
        unhcr_unioned.source_dataset_key,
        make_date(unhcr_unioned.reference_year, 1, 1) as period_start,
        make_date(unhcr_unioned.reference_year, 12, 31) as period_end,
        make_date(unhcr_unioned.reference_year, 12, 31) as reference_date,
        unhcr_unioned.asylum_code as source_country_code,
        coalesce(asylum_countries.iso3, asylum_iso_countries.iso3) as country_key,
        case
            when coalesce(asylum_countries.iso3, asylum_iso_countries.iso3) is not null
                then 'country'
            when unhcr_unioned.is_asylum_summed or asylum_aggregates.code is not null
                then 'aggregate'
            else 'unresolved'
        end as country_kind,
        unhcr_unioned.origin_code as source_origin_code,
        coalesce(origin_countries.iso3, origin_iso_countries.iso3) as origin_country_key,
        case
            when coalesce(origin_countries.iso3, origin_iso_countries.iso3) is not null
                then 'country'
            when unhcr_unioned.is_origin_summed then 'aggregate'
            when origin_aggregates.kind = 'no_citizenship' then 'stateless'
            when origin_aggregates.kind = 'unknown' then 'unknown'
            when origin_aggregates.kind in ('others', 'ethnic_group') then 'others'
            when origin_aggregates.kind is not null then 'aggregate'
            else 'unresolved'
        end as origin_kind,
        unhcr_unioned.source_population_type,
        population_types.population_type,
        unhcr_unioned.sex_code as source_sex_code,
        coalesce(sex_codes.sex, case when unhcr_unioned.sex_code is null then 'T' end)
            as sex,
        unhcr_unioned.age_band as source_age_band,
        coalesce(
            age_groups.common_band,
            case when unhcr_unioned.age_band is null then 'total' end
        ) as age_group,
        coalesce(age_groups.is_total, unhcr_unioned.age_band is null) as is_all_ages,
        coalesce(age_groups.is_subtotal, unhcr_unioned.age_band is null) as is_age_subtotal,
        cast(null as text) as indicator_code,
        cast(unhcr_unioned.persons as numeric) as persons,
        unhcr_unioned.value_flag as source_flag,
        unhcr_unioned.is_not_applicable,
        unhcr_unioned.batch_id
    from unhcr_unioned
    inner join population_types
        on unhcr_unioned.source_population_type = population_types.source_population_type
    left join unhcr_codes as asylum_countries
        on upper(trim(unhcr_unioned.asylum_code)) = asylum_countries.lookup_key
    left join unhcr_iso3_codes as asylum_iso_countries
        on upper(trim(unhcr_unioned.asylum_iso3)) = asylum_iso_countries.lookup_key
    left join source_aggregates as asylum_aggregates
        on
            asylum_aggregates.source = 'unhcr'
            and unhcr_unioned.asylum_code = asylum_aggregates.code
    left join unhcr_codes as origin_countries
        on upper(trim(unhcr_unioned.origin_code)) = origin_countries.lookup_key
    left join unhcr_iso3_codes as origin_iso_countries
        on upper(trim(unhcr_unioned.origin_iso3)) = origin_iso_countries.lookup_key
    left join source_aggregates as origin_aggregates
        on
            origin_aggregates.source = 'unhcr'
            and unhcr_unioned.origin_code = origin_aggregates.code
    {{ sex_and_age_joins('unhcr', 'unhcr_unioned.sex_code', 'unhcr_unioned.age_band') }}

),

worldbank_resolved as (

    -- Mid-year estimates for all nationalities; the World Bank flags its aggregates
    -- itself (region `Aggregates`), ref_source_aggregates lists the known ones.
    select
        'worldbank' as source,
        'worldbank__indicators' as source_dataset_key,
        make_date(worldbank_indicators.year, 1, 1) as period_start,
        make_date(worldbank_indicators.year, 12, 31) as period_end,
        make_date(worldbank_indicators.year, 7, 1) as reference_date,
        coalesce(worldbank_indicators.country_code, worldbank_indicators.country_iso2_code)
            as source_country_code,
        coalesce(economies.iso3, economies_iso2.iso3) as country_key,
        case
            when
                coalesce(worldbank_indicators.is_aggregate, false)
                or economy_aggregates.code is not null
                then 'aggregate'
            when coalesce(economies.iso3, economies_iso2.iso3) is not null then 'country'
            else 'unresolved'
        end as country_kind,
        cast(null as text) as source_origin_code,
        cast(null as text) as origin_country_key,
        'all' as origin_kind,
        worldbank_indicators.indicator_code as source_population_type,
        case worldbank_indicators.indicator_code
            when 'SM.POP.TOTL' then 'international_migrant_stock'
            when 'SP.POP.TOTL' then 'total_population'
        end as population_type,
        cast(null as text) as source_sex_code,
        'T' as sex,
        cast(null as text) as source_age_band,
        'total' as age_group,
        true as is_all_ages,
        true as is_age_subtotal,
        worldbank_indicators.indicator_code,
        worldbank_indicators.indicator_value as persons,
        worldbank_indicators.obs_status as source_flag,
        false as is_not_applicable,
        worldbank_indicators.batch_id
    from worldbank_indicators
    left join worldbank_codes as economies
        on upper(trim(worldbank_indicators.country_code)) = economies.lookup_key
    left join worldbank_iso2_codes as economies_iso2
        on upper(trim(worldbank_indicators.country_iso2_code)) = economies_iso2.lookup_key
    left join source_aggregates as economy_aggregates
        on
            economy_aggregates.source = 'worldbank'
            and economy_aggregates.code in (
                worldbank_indicators.country_code, worldbank_indicators.country_iso2_code
            )
    where worldbank_indicators.indicator_code in ('SM.POP.TOTL', 'SP.POP.TOTL')

),

eurostat_resolved as (

    -- Residents on 1 January by citizenship; NAT (the reporting country's own
    -- citizens) is the country itself.
    select
        'eurostat' as source,
        'eurostat__population_by_citizenship' as source_dataset_key,
        make_date(eurostat_population.year, 1, 1) as period_start,
        make_date(eurostat_population.year, 12, 31) as period_end,
        eurostat_population.reference_date,
        eurostat_population.geo_code as source_country_code,
        geo_countries.iso3 as country_key,
        case
            when geo_countries.iso3 is not null then 'country'
            when geo_aggregates.code is not null then 'aggregate'
            else 'unresolved'
        end as country_kind,
        eurostat_population.citizen_code as source_origin_code,
        case
            when citizen_aggregates.kind = 'reporting_country' then geo_countries.iso3
            else citizen_countries.iso3
        end as origin_country_key,
        case
            when citizen_countries.iso3 is not null then 'country'
            when citizen_aggregates.kind = 'reporting_country' then 'country'
            when citizen_aggregates.kind = 'no_citizenship' then 'stateless'
            when citizen_aggregates.kind = 'unknown' then 'unknown'
            when citizen_aggregates.kind is not null then 'aggregate'
            else 'unresolved'
        end as origin_kind,
        cast(null as text) as source_population_type,
        'usual_residents' as population_type,
        eurostat_population.sex_code as source_sex_code,
        sex_codes.sex,
        eurostat_population.age_code as source_age_band,
        age_groups.common_band as age_group,
        age_groups.is_total as is_all_ages,
        age_groups.is_subtotal as is_age_subtotal,
        cast(null as text) as indicator_code,
        cast(eurostat_population.population as numeric) as persons,
        eurostat_population.status_flag as source_flag,
        false as is_not_applicable,
        eurostat_population.batch_id
    from eurostat_population
    left join eurostat_geo_codes as geo_countries
        on upper(trim(eurostat_population.geo_code)) = geo_countries.lookup_key
    left join eurostat_aggregates as geo_aggregates
        on eurostat_population.geo_code = geo_aggregates.code
    left join eurostat_geo_codes as citizen_countries
        on upper(trim(eurostat_population.citizen_code)) = citizen_countries.lookup_key
    left join eurostat_aggregates as citizen_aggregates
        on eurostat_population.citizen_code = citizen_aggregates.code
    {{ sex_and_age_joins(
        'eurostat', 'eurostat_population.sex_code', 'eurostat_population.age_code'
    ) }}

),

unioned as (

    select * from unhcr_resolved
    union all
    select * from worldbank_resolved
    union all
    select * from eurostat_resolved

),

final as (

    select
        cast(source as text) as source,
        cast(source_dataset_key as text) as source_dataset_key,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast('year' as text) as period_grain,
        cast(reference_date as date) as reference_date,
        cast(source_country_code as text) as source_country_code,
        cast(country_key as text) as country_key,
        cast(country_kind as text) as country_kind,
        cast(source_origin_code as text) as source_origin_code,
        cast(origin_country_key as text) as origin_country_key,
        cast(origin_kind as text) as origin_kind,
        cast(source_population_type as text) as source_population_type,
        cast(population_type as text) as population_type,
        cast(source_sex_code as text) as source_sex_code,
        cast(sex as text) as sex,
        cast(source_age_band as text) as source_age_band,
        cast(age_group as text) as age_group,
        cast(is_all_ages as boolean) as is_all_ages,
        cast(is_age_subtotal as boolean) as is_age_subtotal,
        cast(indicator_code as text) as indicator_code,
        cast(round(persons) as bigint) as persons,
        cast(source_flag as text) as source_flag,
        cast(is_not_applicable as boolean) as is_not_applicable,
        cast(batch_id as bigint) as batch_id
    from unioned

)

select * from final
