-- The countries the warehouse asks ODP about, by ODP geomaster id: the same list as
-- PLACES in ingest/sources/unhcr_odp/datasets.py (a unit test keeps them equal).

with

places as (

    select * from (
        values
        ('656', 'ITA', 'Italy'),
        ('640', 'GRC', 'Greece'),
        ('729', 'ESP', 'Spain'),
        ('616', 'CYP', 'Cyprus'),
        ('690', 'MLT', 'Malta'),
        ('595', 'BGR', 'Bulgaria')
    ) as odp_places (geo_id, country_iso3, country_name)

),

renamed as (

    select
        cast(geo_id as integer) as geo_id,
        cast(country_iso3 as text) as country_iso3,
        cast(country_name as text) as country_name

    from places

)

select * from renamed
