{#
    Row-level security of a `detail` relation (post-hook): members of `steward` read
    the rows of their own municipality (the model's `meta.municipality_column`,
    default geography_key) or, for a country steward, of their country (country_key).
    Keyed on role membership through access.steward_places (migration 0010), never on
    a setting a session could change. The owner (transformer) is not subject to it.
#}
{% macro steward_row_security() -%}
    {%- set column = (config.get('meta') or {}).get('municipality_column', 'geography_key') -%}
    alter table {{ this }} enable row level security;
    drop policy if exists steward_own_place on {{ this }};
    create policy steward_own_place on {{ this }} for select to steward using (
        {{ column }} in (select places.municipality from access.steward_places as places)
        or country_key in (select places.country from access.steward_places as places)
    )
{%- endmacro %}
