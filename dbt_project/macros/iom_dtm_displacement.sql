{#-
    The body of `stg_iom_dtm__displacement_admin<level>`: the three DTM displacement
    endpoints differ only by the admin levels below the country (admin1, admin2),
    which take part in the natural key and the columns. One figure per operation,
    area, round, reason, origin, assessment and measure.
-#}
{% macro iom_dtm_displacement(admin_level) -%}
    {%- set areas = ['admin1_pcode', 'admin2_pcode'][:admin_level] -%}
    {%- set key_columns = ['operation', 'admin0_pcode'] + areas + [
        'reporting_date', 'round_number', 'displacement_reason', 'idp_origin_admin1_pcode',
        'assessment_type', 'measure'
    ] -%}
    with

    source as (

        select * from {{ source('iom_dtm', 'displacement_admin' ~ admin_level) }}

    ),

    latest as (

        -- Promoted batches without their quarantined rows; the latest batch per key.
        {{ latest_promoted_rows('source', key_columns) }}

    ),

    renamed as (

        select
            ---------- ids
            {{ surrogate_key(key_columns) }} as observation_id,
            {% if admin_level > 0 -%}
            cast(id as bigint) as record_id,
            {% endif %}
            ---------- dimensions
            cast(operation as text) as operation_name,
            cast(admin0_pcode as text) as country_code,
            cast(admin0_name as text) as country_name,
            {% if admin_level >= 1 %}
            cast(admin1_pcode as text) as admin1_code,
            cast(admin1_name as text) as admin1_name,
            {% endif %}  -- noqa: LT02 (sqlfluff mis-indents consecutive jinja blocks)
            {% if admin_level >= 2 %}
            cast(admin2_pcode as text) as admin2_code,
            cast(admin2_name as text) as admin2_name,
            {% endif %}
            cast(left(reporting_date, 10) as date) as reporting_date,
            cast(year_reporting_date as integer) as reporting_year,
            cast(month_reporting_date as integer) as reporting_month,
            cast(round_number as integer) as round_number,
            cast(displacement_reason as text) as displacement_reason,
            -- DTM writes "Not available" where the origin is unknown: null here.
            cast(nullif(idp_origin_admin1_pcode, 'Not available') as text) as origin_admin1_code,
            cast(nullif(idp_origin_admin1_name, 'Not available') as text) as origin_admin1_name,
            cast(assessment_type as text) as assessment_type,

            ---------- measures
            cast(measure as text) as measure,
            cast(
                case measure
                    when 'numPresentIdpInd' then 'T'
                    when 'numberMales' then 'M'
                    when 'numberFemales' then 'F'
                end as text
            ) as sex_code,
            cast(nullif(value, '') as bigint) as persons,
            cast(nullif(flag, '') as text) as status_flag,

            ---------- provenance
            {{ provenance_columns() }}

        from latest

    )

    select * from renamed
{%- endmacro %}
