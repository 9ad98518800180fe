-- A code or name that a source uses for a country is never also one of that source's
-- aggregates: one lookup must not both count a row as a country and exclude it.

with

codes as (

    select * from {{ ref('int_country_codes_unioned') }}

),

source_aggregates as (

    select * from {{ ref('ref_source_aggregates') }}

),

eurostat_aggregates as (

    select * from {{ ref('eurostat_aggregate_codes') }}

),

clashes as (

    select
        codes.source,
        codes.code_system,
        codes.source_code,
        codes.iso3
    from codes
    inner join source_aggregates
        on
            codes.source = source_aggregates.source
            and codes.lookup_key = case
                when codes.code_system = 'name' then lower(trim(source_aggregates.code))
                else upper(trim(source_aggregates.code))
            end

    union all

    select
        codes.source,
        codes.code_system,
        codes.source_code,
        codes.iso3
    from codes
    inner join eurostat_aggregates
        on
            codes.source = 'eurostat'
            and codes.code_system = 'eurostat_geo'
            and codes.lookup_key = upper(trim(eurostat_aggregates.code))

)

select * from clashes
