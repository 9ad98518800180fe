-- Asylum applications of Eurostat (monthly and annual) and UNHCR (annual) in one
-- shape: codes resolved to the warehouse's country key, sex, age and application type
-- mapped to the common sets of the reference seeds. Every source row is here, with
-- `country_kind` and `origin_kind` telling countries from aggregates: the fact keeps
-- the rows whose country of asylum is a country and whose origin is a country, a
-- residual (stateless, unknown, others) or Eurostat's own all-origins total (`all`,
-- citizen TOTAL), never a group of origins (EU27_2020, EXT_EU27_2020, ...).

with

eurostat_monthly as (

    select * from {{ ref('stg_eurostat__asylum_applicants_monthly') }}

),

eurostat_annual as (

    select * from {{ ref('stg_eurostat__asylum_applicants_annual') }}

),

unhcr_applications as (

    select * from {{ ref('stg_unhcr__asylum_applications') }}

),

country_codes as (

    select * from {{ ref('int_country_codes_unioned') }}

),

eurostat_geo_codes as materialized (

    {{ country_code_lookup('eurostat', 'eurostat_geo') }}

),

unhcr_codes as materialized (

    {{ country_code_lookup('unhcr', 'unhcr') }}

),

unhcr_iso3_codes as materialized (

    {{ country_code_lookup('unhcr', 'iso3') }}

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

application_types as (

    select * from {{ ref('ref_asylum_application_types') }}

),

eurostat_unioned as (

    select
        'eurostat__asylum_applicants_monthly' as source_dataset_key,
        month as period_start,
        cast(month + interval '1 month' - interval '1 day' as date) as period_end,
        'month' as period_grain,
        geo_code,
        citizen_code,
        sex_code,
        age_code,
        applicant_type,
        cast(applicants as bigint) as applications,
        status_flag,
        batch_id
    from eurostat_monthly

    union all

    select
        'eurostat__asylum_applicants_annual' as source_dataset_key,
        make_date(year, 1, 1) as period_start,
        make_date(year, 12, 31) as period_end,
        'year' as period_grain,
        geo_code,
        citizen_code,
        sex_code,
        age_code,
        applicant_type,
        applicants as applications,
        status_flag,
        batch_id
    from eurostat_annual

),

eurostat_resolved as (

    select
        'eurostat' as source,
        eurostat_unioned.source_dataset_key,
        eurostat_unioned.period_start,
        eurostat_unioned.period_end,
        eurostat_unioned.period_grain,
        eurostat_unioned.geo_code as source_country_code,
        geo_countries.iso3 as country_key,
        case
            when geo_countries.iso3 is not null then 'country'
            when geo_aggregates.code is not null then 'aggregate'
            else 'unresolved'
        end as country_kind,
        eurostat_unioned.citizen_code as source_origin_code,
        -- NAT (the reporting country's own citizens) is the country of asylum.
        case
            when citizen_aggregates.kind = 'reporting_country' then geo_countries.iso3
            else citizen_countries.iso3
        end as origin_country_key,
        case
            when citizen_countries.iso3 is not null then 'country'
            when citizen_aggregates.kind = 'reporting_country' then 'country'
            when citizen_aggregates.kind = 'no_citizenship' then 'stateless'
            when citizen_aggregates.kind = 'unknown' then 'unknown'
            -- TOTAL: the source's own all-origins figure (rounded to 5 like every
            -- cell, so it differs from the sum of the origins): kept as `all`.
            when citizen_aggregates.kind = 'total' then 'all'
            when citizen_aggregates.kind is not null then 'aggregate'
            else 'unresolved'
        end as origin_kind,
        eurostat_unioned.sex_code as source_sex_code,
        sex_codes.sex,
        eurostat_unioned.age_code as source_age_band,
        age_groups.common_band as age_group,
        age_groups.is_total as is_all_ages,
        age_groups.is_subtotal as is_age_subtotal,
        eurostat_unioned.applicant_type as source_application_type,
        application_types.application_type,
        cast(null as text) as authority_code,
        cast(null as text) as procedure_level,
        -- Eurostat counts persons.
        'P' as count_unit,
        eurostat_unioned.applications,
        eurostat_unioned.status_flag as source_flag,
        false as is_not_applicable,
        eurostat_unioned.batch_id
    from eurostat_unioned
    left join eurostat_geo_codes as geo_countries
        on upper(trim(eurostat_unioned.geo_code)) = geo_countries.lookup_key
    left join eurostat_aggregates as geo_aggregates
        on eurostat_unioned.geo_code = geo_aggregates.code
    left join eurostat_geo_codes as citizen_countries
        on upper(trim(eurostat_unioned.citizen_code)) = citizen_countries.lookup_key
    left join eurostat_aggregates as citizen_aggregates
        on eurostat_unioned.citizen_code = citizen_aggregates.code
    {{ sex_and_age_joins('eurostat', 'eurostat_unioned.sex_code', 'eurostat_unioned.age_code') }}
    left join application_types
        on
            application_types.source = 'eurostat'
            and eurostat_unioned.applicant_type = application_types.source_code

),

unhcr_resolved as (

    -- UNHCR's own codes exist for every row (NIG is Nigeria, GFR Germany); the ISO3
    -- columns are the fallback for a code the reference data does not know.
    select
        'unhcr' as source,
        'unhcr__asylum_applications' as source_dataset_key,
        make_date(unhcr_applications.reference_year, 1, 1) as period_start,
        make_date(unhcr_applications.reference_year, 12, 31) as period_end,
        'year' as period_grain,
        unhcr_applications.asylum_code as source_country_code,
        coalesce(asylum_countries.iso3, asylum_iso_countries.iso3) as country_key,
        case
            when coalesce(asylum_countries.iso3, asylum_iso_countries.iso3) is not null
                then 'country'
            when unhcr_applications.is_asylum_summed or asylum_aggregates.code is not null
                then 'aggregate'
            else 'unresolved'
        end as country_kind,
        unhcr_applications.origin_code as source_origin_code,
        coalesce(origin_countries.iso3, origin_iso_countries.iso3) as origin_country_key,
        case
            when coalesce(origin_countries.iso3, origin_iso_countries.iso3) is not null
                then 'country'
            when unhcr_applications.is_origin_summed then 'aggregate'
            when origin_aggregates.kind = 'no_citizenship' then 'stateless'
            when origin_aggregates.kind = 'unknown' then 'unknown'
            when origin_aggregates.kind in ('others', 'ethnic_group') then 'others'
            when origin_aggregates.kind is not null then 'aggregate'
            else 'unresolved'
        end as origin_kind,
        cast(null as text) as source_sex_code,
        'T' as sex,
        cast(null as text) as source_age_band,
        'total' as age_group,
        true as is_all_ages,
        true as is_age_subtotal,
        unhcr_applications.application_type as source_application_type,
        application_types.application_type,
        unhcr_applications.authority_code,
        unhcr_applications.procedure_level,
        unhcr_applications.count_unit,
        unhcr_applications.applications,
        unhcr_applications.value_flag as source_flag,
        unhcr_applications.is_not_applicable,
        unhcr_applications.batch_id
    from unhcr_applications
    left join unhcr_codes as asylum_countries
        on upper(trim(unhcr_applications.asylum_code)) = asylum_countries.lookup_key
    left join unhcr_iso3_codes as asylum_iso_countries
        on upper(trim(unhcr_applications.asylum_iso3)) = asylum_iso_countries.lookup_key
    left join source_aggregates as asylum_aggregates
        on
            asylum_aggregates.source = 'unhcr'
            and unhcr_applications.asylum_code = asylum_aggregates.code
    left join unhcr_codes as origin_countries
        on upper(trim(unhcr_applications.origin_code)) = origin_countries.lookup_key
    left join unhcr_iso3_codes as origin_iso_countries
        on upper(trim(unhcr_applications.origin_iso3)) = origin_iso_countries.lookup_key
    left join source_aggregates as origin_aggregates
        on
            origin_aggregates.source = 'unhcr'
            and unhcr_applications.origin_code = origin_aggregates.code
    left join application_types
        on
            application_types.source = 'unhcr'
            and unhcr_applications.application_type = application_types.source_code

),

unioned as (

    select * from eurostat_resolved
    union all
    select * from unhcr_resolved

),

final as (

    select
        cast(source as text) as source,
        cast(source_dataset_key as text) as source_dataset_key,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(period_grain as text) as period_grain,
        cast(source_country_code as text) as source_country_code,
        cast(country_key as text) as country_key,
        cast(country_kind as text) as country_kind,
        cast(source_origin_code as text) as source_origin_code,
        cast(origin_country_key as text) as origin_country_key,
        cast(origin_kind as text) as origin_kind,
        cast(source_sex_code as text) as source_sex_code,
        cast(sex as text) as sex,
        cast(source_age_band as text) as source_age_band,
        cast(age_group as text) as age_group,
        cast(is_all_ages as boolean) as is_all_ages,
        cast(is_age_subtotal as boolean) as is_age_subtotal,
        cast(source_application_type as text) as source_application_type,
        cast(application_type as text) as application_type,
        cast(authority_code as text) as authority_code,
        cast(procedure_level as text) as procedure_level,
        cast(count_unit as text) as count_unit,
        cast(applications as bigint) as applications,
        cast(source_flag as text) as source_flag,
        cast(is_not_applicable as boolean) as is_not_applicable,
        cast(batch_id as bigint) as batch_id
    from unioned

)

select * from final
