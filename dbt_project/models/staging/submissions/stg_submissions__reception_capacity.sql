-- Reception capacity as municipalities and ministries submit it: one row per
-- facility, report date and submitting scope, from the latest promoted file that
-- carries it.

{#- The dataset's natural key and the submitting scope (null: a national body). #}
{%- set key_columns = ['facility_id', 'report_date', 'batch_municipality'] %}

with

source as (

    select * from {{ source('submissions', 'reception_capacity') }}

),

latest as (

    -- Promoted, not superseded files without their quarantined rows; per key the
    -- latest file wins. A municipality's and a ministry's report of the same
    -- facility and date are two reports: the scope is part of the key.
    {{ latest_promoted_rows('source', key_columns) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(key_columns) }} as observation_id,
        cast(facility_id as text) as facility_id,
        cast(report_date as date) as report_date,

        ---------- facility
        cast(facility_name as text) as facility_name,
        cast(municipality as text) as municipality_lau_code,
        cast(facility_type as text) as facility_type,

        ---------- measures
        cast(capacity_beds as integer) as capacity_beds,
        cast(occupied_beds as integer) as occupied_beds,
        cast(persons_female_0_17 as integer) as persons_female_0_17,
        cast(persons_female_18_59 as integer) as persons_female_18_59,
        cast(persons_female_60_plus as integer) as persons_female_60_plus,
        cast(persons_male_0_17 as integer) as persons_male_0_17,
        cast(persons_male_18_59 as integer) as persons_male_18_59,
        cast(persons_male_60_plus as integer) as persons_male_60_plus,

        ---------- submission
        {{ submission_columns() }},

        ---------- provenance
        {{ provenance_columns() }}

    from latest

)

select * from renamed
