-- Every code and name a source uses for a single country, mapped to the warehouse's
-- country key (ISO 3166-1 alpha-3; XKX for Kosovo): one row per source, code system
-- and lookup key. Aggregates (totals, regions, stateless, unknown) are not here: they
-- are in ref_source_aggregates and eurostat_aggregate_codes.

with

countries as (

    select * from {{ ref('ref_countries') }}

),

aliases as (

    select * from {{ ref('ref_country_aliases') }}

),

name_sources as (

    -- The sources that write country names, and whose aliases apply to each: those
    -- of `any` everywhere, UNHCR's in both UNHCR systems (they share one country list).
    select * from (
        values
        ('eurostat', 'eurostat'),
        ('unhcr', 'unhcr'),
        ('unhcr_odp', 'unhcr'),
        ('worldbank', 'worldbank'),
        ('iom_dtm', 'iom_dtm'),
        ('iom_mmp', 'iom_mmp')
    ) as name_sources (source, alias_source)

),

iso3_sources as (

    -- The sources that write ISO 3166 alpha-3 codes: UNHCR's coo_iso/coa_iso, DTM's
    -- admin0 p-codes, the nationality of submitted files.
    select * from (
        values ('unhcr'), ('iom_dtm'), ('submissions')
    ) as iso3_sources (source)

),

unhcr_sources as (

    -- UNHCR's own codes (coo/coa, ODP's pop_origin_code): not ISO, and three of them
    -- are another country's ISO code (AUS Austria, ARE Egypt, MAR Martinique).
    select * from (
        values ('unhcr'), ('unhcr_odp')
    ) as unhcr_sources (source)

),

eurostat_codes as (

    select
        'eurostat' as source,
        'eurostat_geo' as code_system,
        eurostat_geo_code as source_code,
        iso3,
        'ref_countries.eurostat_geo_code' as matched_on
    from countries

),

unhcr_codes as (

    select
        unhcr_sources.source,
        'unhcr' as code_system,
        countries.unhcr_code as source_code,
        countries.iso3,
        'ref_countries.unhcr_code' as matched_on
    from countries
    cross join unhcr_sources

),

iso3_codes as (

    select
        iso3_sources.source,
        'iso3' as code_system,
        countries.iso3 as source_code,
        countries.iso3,
        'ref_countries.iso3' as matched_on
    from countries
    cross join iso3_sources

),

worldbank_codes as (

    -- The World Bank's economy id (ISO3 but XKX Kosovo) and its iso2Code (ISO alpha-2
    -- but XK Kosovo), for the economies the World Bank reports on.
    select
        'worldbank' as source,
        'worldbank' as code_system,
        worldbank_code as source_code,
        iso3,
        'ref_countries.worldbank_code' as matched_on
    from countries

    union all

    select
        'worldbank' as source,
        'worldbank_iso2' as code_system,
        iso2 as source_code,
        iso3,
        'ref_countries.iso2' as matched_on
    from countries
    where worldbank_code is not null

),

country_names as (

    select
        name_sources.source,
        'name' as code_system,
        countries.name_en as source_code,
        countries.iso3,
        'ref_countries.name_en' as matched_on
    from countries
    cross join name_sources

),

alias_names as (

    select
        name_sources.source,
        'name' as code_system,
        aliases.alias as source_code,
        aliases.iso3,
        'ref_country_aliases' as matched_on
    from aliases
    inner join name_sources
        on aliases.source in (name_sources.alias_source, 'any')

),

unioned as (

    select * from eurostat_codes
    union all
    select * from unhcr_codes
    union all
    select * from iso3_codes
    union all
    select * from worldbank_codes
    union all
    select * from country_names
    union all
    select * from alias_names

),

keyed as (

    -- Codes are looked up upper-case, names lower-case, both trimmed (UNHCR writes
    -- "Unknown " with a trailing space).
    select
        source,
        code_system,
        source_code,
        iso3,
        matched_on,
        case
            when code_system = 'name' then lower(trim(source_code))
            else upper(trim(source_code))
        end as lookup_key
    from unioned
    where nullif(trim(source_code), '') is not null

),

final as (

    select
        cast(source as text) as source,
        cast(code_system as text) as code_system,
        cast(lookup_key as text) as lookup_key,
        cast(min(source_code) as text) as source_code,
        cast(iso3 as text) as iso3,
        cast(
            string_agg(distinct matched_on, ', ' order by matched_on) as text
        ) as matched_on
    from keyed
    group by
        source,
        code_system,
        lookup_key,
        iso3

)

select * from final
