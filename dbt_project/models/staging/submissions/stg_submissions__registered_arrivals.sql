-- Registered arrivals as municipalities and ministries submit them: one row per
-- date, location, nationality, sex, age group, reporting authority and submitting
-- scope, from the latest promoted file that carries it, with the kind of location
-- (municipality or border crossing point) from the reference seeds.

{#- The dataset's natural key and the submitting scope (null: a national body). #}
{%- set key_columns = [
    'arrival_date', 'location_code', 'nationality', 'sex', 'age_group',
    'reporting_authority', 'batch_municipality'
] %}

with

source as (

    select * from {{ source('submissions', 'registered_arrivals') }}

),

municipalities as (

    select * from {{ ref('ref_municipalities') }}

),

crossings as (

    select * from {{ ref('ref_border_crossing_points') }}

),

latest as (

    -- Promoted, not superseded files without their quarantined rows; per key the
    -- latest file wins. A municipality's and a ministry's figures for the same key
    -- are two reports (the national one is not the sum of the municipal ones): the
    -- scope is part of the key.
    {{ latest_promoted_rows('source', key_columns) }}

),

locations as (

    -- A location code is a municipality's LAU code or a border crossing point's
    -- code; both lists are seeds, and their codes never overlap.
    select
        lau_code as location_code,
        'municipality' as location_type,
        municipality_name as location_name,
        lau_code as municipality_lau_code
    from municipalities

    union all

    select
        crossing_code as location_code,
        'border_crossing' as location_type,
        crossing_name as location_name,
        municipality_lau_code
    from crossings

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(key_columns) }} as observation_id,

        ---------- dimensions
        cast(arrival_date as date) as arrival_date,
        cast(location_code as text) as location_code,
        cast(nationality as text) as nationality_code,
        cast(sex as text) as sex_code,
        cast(age_group as text) as age_group,
        cast(reporting_authority as text) as reporting_authority,

        ---------- measures
        cast(persons as integer) as persons,

        ---------- submission
        {{ submission_columns() }},

        ---------- provenance
        {{ provenance_columns() }}

    from latest

),

located as (

    select
        renamed.*,
        -- Null when the code is in neither seed (a test catches it).
        cast(locations.location_type as text) as location_type,
        cast(locations.location_name as text) as location_name,
        cast(locations.municipality_lau_code as text) as location_municipality_lau_code
    from renamed
    left join locations
        on renamed.location_code = locations.location_code

)

select * from located
