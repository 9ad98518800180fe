-- Asylum applications per country of asylum, origin, period, sex, age and application
-- type: Eurostat monthly and annual, UNHCR annual, each source's rows as it sends them
-- (flags kept), codes harmonised. Countries of asylum only. Origins: countries,
-- stateless, unknown and other residual origins (a null origin_country_key), and the
-- source's own all-origins total (origin_kind `all`: Eurostat's citizen TOTAL, the
-- published national figure; Eurostat rounds every cell to 5, so it is not the sum of
-- the origins). Groups of origins (EU27_2020, EXT_EU27_2020, ...) never land. Never
-- add rows of different origin_kind: `all` already contains the others.

{{
    config(
        materialized='incremental',
        unique_key='fact_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        indexes=[{'columns': ['batch_id']}],
        post_hook=[
            "{{ delete_rows_of_withdrawn_batches() }}",
        ],
    )
}}

with

applications as (

    select * from {{ ref('int_asylum_applications_harmonised') }}

),

countries_only as (

    select * from applications
    where
        country_kind = 'country'
        and origin_kind in ('country', 'stateless', 'unknown', 'others', 'all')

),

new_batches as (

    -- Only the rows of promoted batches the fact holds none of (a batch promoted late
    -- too); a revised row replaces the earlier one (same fact_key).
    {{ rows_of_new_batches('countries_only') }}

),

final as (

    select
        {{ surrogate_key([
            'source_dataset_key', 'period_start', 'period_grain', 'source_country_code',
            'source_origin_code', 'source_sex_code', 'source_age_band',
            'source_application_type', 'authority_code', 'procedure_level', 'count_unit',
        ]) }} as fact_key,
        period_start,
        period_end,
        period_grain,
        country_key,
        origin_country_key,
        origin_kind,
        sex,
        age_group,
        is_all_ages,
        is_age_subtotal,
        application_type,
        authority_code,
        procedure_level,
        count_unit,
        applications,
        source_flag,
        is_not_applicable,
        source_country_code,
        source_origin_code,
        source_sex_code,
        source_age_band,
        source_application_type,
        source,
        source_dataset_key,
        batch_id
    from new_batches

)

select * from final
