-- The countries for which DTM publishes IDP figures through its API, from the
-- latest promoted batch. (The raw `value` and `flag` are empty by construction, a
-- list has no number, and the GX suite blocks anything else: they are not kept.)

with

source as (

    select * from {{ source('iom_dtm', 'country_list') }}

),

latest as (

    -- Promoted batches without their quarantined rows; the latest batch per key.
    {{ latest_promoted_rows('source', ['admin0_pcode']) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['admin0_pcode']) }} as observation_id,

        ---------- dimensions
        cast(admin0_pcode as text) as country_code,
        cast(admin0_name as text) as country_name,
        cast(measure as text) as list_name,

        ---------- provenance
        {{ provenance_columns() }}

    from latest

)

select * from renamed
