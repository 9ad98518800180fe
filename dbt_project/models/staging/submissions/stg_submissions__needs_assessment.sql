-- Needs assessments as municipalities and ministries submit them: one row per
-- municipality, period, sector and submitting scope, from the latest promoted file
-- that carries it.

{#- The dataset's natural key and the submitting scope (null: a national body). #}
{%- set key_columns = [
    'municipality', 'period_start', 'period_end', 'sector', 'batch_municipality'
] %}

with

source as (

    select * from {{ source('submissions', 'needs_assessment') }}

),

latest as (

    -- Promoted, not superseded files without their quarantined rows; per key the
    -- latest file wins. A municipality's own assessment and a ministry's assessment
    -- of that municipality are two reports: the scope is part of the key.
    {{ latest_promoted_rows('source', key_columns) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(key_columns) }} as observation_id,

        ---------- dimensions
        cast(municipality as text) as municipality_lau_code,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(sector as text) as sector,

        ---------- measures
        cast(people_in_need as integer) as people_in_need,
        cast(people_reached as integer) as people_reached,
        cast(capacity_gap as integer) as capacity_gap,
        cast(remarks as text) as remarks,

        ---------- submission
        {{ submission_columns() }},

        ---------- provenance
        {{ provenance_columns() }}

    from latest

)

select * from renamed
