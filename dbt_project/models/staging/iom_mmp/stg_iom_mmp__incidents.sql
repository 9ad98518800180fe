-- Missing Migrants Project: one row per entry (main_id) and number field, from the
-- latest promoted batch that carries it, for the entries of the latest export.

with

source as (

    select * from {{ source('iom_mmp', 'incidents') }}

),

batches as (

    select * from {{ source('ops', 'batches') }}

),

latest as (

    -- Promoted batches without their quarantined rows; the latest batch per key.
    {{ latest_promoted_rows('source', ['main_id', 'measure']) }}

),

latest_export as (

    -- Every batch is a full export, so the latest promoted one says which entries exist.
    select max(batch_id) as batch_id
    from batches
    where
        source = 'iom_mmp'
        and dataset = 'incidents'
        and status in ('passed', 'warned', 'partial')

),

current_entries as (

    -- Quarantined rows included: such a row falls back to its previous promoted
    -- figure rather than dropping its entry.
    select distinct source.main_id
    from source
    inner join latest_export
        on source._batch_id = latest_export.batch_id

),

in_latest_export as (

    select latest.*
    from latest
    inner join current_entries
        on latest.main_id = current_entries.main_id

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['main_id', 'measure']) }} as observation_id,
        cast(main_id as text) as main_id,
        cast(nullif(incident_id, '') as text) as incident_ids,

        ---------- incident
        cast(nullif(incident_type, '') as text) as incident_type,
        cast(nullif(incident_date, '') as date) as incident_date,
        cast(nullif(incident_year, '') as integer) as incident_year,
        cast(nullif(month, '') as text) as month_name,
        cast(nullif(cause_of_death, '') as text) as cause_of_death,

        ---------- place
        cast(nullif(region_of_incident, '') as text) as region_of_incident,
        cast(nullif(country_of_incident, '') as text) as country_of_incident,
        cast(nullif(unsd_geographical_grouping, '') as text) as unsd_geographical_grouping,
        cast(nullif(migration_route, '') as text) as migration_route,
        cast(nullif(location_of_incident, '') as text) as location_of_incident,
        cast(nullif(coordinates, '') as text) as coordinates,
        case
            when coordinates ~ '^-?[0-9]{1,3}(\.[0-9]+)?, ?-?[0-9]{1,3}(\.[0-9]+)?$'
                then cast(trim(split_part(coordinates, ',', 1)) as numeric)
        end as latitude,
        case
            when coordinates ~ '^-?[0-9]{1,3}(\.[0-9]+)?, ?-?[0-9]{1,3}(\.[0-9]+)?$'
                then cast(trim(split_part(coordinates, ',', 2)) as numeric)
        end as longitude,

        ---------- people
        cast(nullif(country_of_origin, '') as text) as country_of_origin,
        cast(nullif(region_of_origin, '') as text) as region_of_origin,

        ---------- measures
        cast(measure as text) as measure,
        cast(nullif(value, '') as integer) as persons,
        cast(nullif(flag, '') as text) as status_flag,

        ---------- source metadata
        cast(nullif(information_source, '') as text) as information_source,
        cast(nullif(url, '') as text) as source_urls,
        cast(nullif(source_quality, '') as integer) as source_quality,
        cast(export_format as text) as export_format,

        ---------- provenance
        {{ provenance_columns() }}

    from in_latest_export

)

select * from renamed
