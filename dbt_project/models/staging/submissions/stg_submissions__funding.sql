-- Funding as municipalities and national bodies submit it: one row per funded
-- municipality or national body, period, fund source, programme and submitting
-- scope, from the latest promoted file that carries it.

{#- The dataset's natural key and the submitting scope (null: a national body). #}
{%- set key_columns = [
    'municipality', 'national_body', 'period_start', 'period_end', 'fund_source',
    'programme', 'batch_municipality'
] %}

with

source as (

    select * from {{ source('submissions', 'funding') }}

),

latest as (

    -- Promoted, not superseded files without their quarantined rows; per key the
    -- latest file wins. The same line sent by a municipality and by a ministry is
    -- two reports: the scope is part of the key.
    {{ latest_promoted_rows('source', key_columns) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(key_columns) }} as observation_id,

        ---------- dimensions
        cast(municipality as text) as municipality_lau_code,
        cast(national_body as text) as national_body,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(fund_source as text) as fund_source,
        cast(programme as text) as programme,

        ---------- measures
        cast(planned_amount as numeric(18, 2)) as planned_amount,
        cast(disbursed_amount as numeric(18, 2)) as disbursed_amount,
        cast(currency as text) as currency_code,

        ---------- submission
        {{ submission_columns() }},

        ---------- provenance
        {{ provenance_columns() }}

    from latest

)

select * from renamed
