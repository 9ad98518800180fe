{#-
    One rule for several authorities reporting arrivals in the same municipality, so
    that no person is counted twice (docs block `arrivals_authority_rule`):

    1. The same place (`location_code`) reported by several authorities in one
       reporter's files: the largest figure, because they count the same people at
       the same place.
    2. A municipality's border crossing points are added up: a person enters through
       one of them.
    3. Registrations at the municipality itself (its services, the police station)
       and at its crossing points count the same people twice over: the
       municipality's figure is the larger of the two, never their sum.

    The rule applies per reporter (`reporting_level`: the municipality's own files,
    or the national body's) and reported period; detail.mart_reconciliation_local
    shows every authority's figure and whether it counts.

    arrivals_by_place(relation): fct_arrivals' leaf rows of registered arrivals (one
    sex, one age band) added up per municipality, reporter, authority, place and
    reported period.
    arrivals_authority_rule(relation): those rows reduced by the rule to one figure
    per municipality, reporter and reported period.
-#}
{% macro arrivals_by_place(relation) -%}
    select
        geography_key,
        country_key,
        period_start,
        period_end,
        reporting_level,
        location_code,
        location_type,
        coalesce(reporting_authority, '') as reporting_authority,
        sum(arrivals) as arrivals,
        max(source_dataset_key) as source_dataset_key,
        max(batch_id) as batch_id
    from {{ relation }}
    where
        reporting_level in ('municipality', 'national')
        and geography_level = 'municipality'
        and sex <> 'T'
        and not is_all_ages
        and not is_age_subtotal
    group by
        geography_key, country_key, period_start, period_end, reporting_level,
        location_code, location_type, coalesce(reporting_authority, '')
{%- endmacro %}


{% macro arrivals_authority_rule(relation) -%}
    select
        geography_key,
        country_key,
        period_start,
        period_end,
        reporting_level,
        greatest(
            sum(place_arrivals) filter (where location_type = 'border_crossing'),
            sum(place_arrivals) filter (where location_type is distinct from 'border_crossing')
        ) as arrivals,
        max(source_dataset_key) as source_dataset_key,
        max(batch_id) as batch_id
    from (
        select
            geography_key,
            country_key,
            period_start,
            period_end,
            reporting_level,
            location_code,
            location_type,
            max(arrivals) as place_arrivals,
            max(source_dataset_key) as source_dataset_key,
            max(batch_id) as batch_id
        from {{ relation }}
        group by
            geography_key, country_key, period_start, period_end, reporting_level,
            location_code, location_type
    ) as places
    group by geography_key, country_key, period_start, period_end, reporting_level
{%- endmacro %}
