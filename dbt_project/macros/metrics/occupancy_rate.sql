{#-
    Occupancy rate: the share of the beds available that are occupied, as a ratio
    (0.85 = 85 %), from the sums of `occupied_beds` and `capacity_beds` of the same
    facilities, days and reporting level. Null when the capacity is 0 or null (no
    beds, or not reported), never a division by zero. Not capped at 1: an
    overcrowded facility shows a rate above 1.

    The one definition every mart uses: local, national and regional rates are the
    same formula over the same fact (fct_reception_occupancy), so they agree.
-#}
{% macro occupancy_rate(occupied, capacity) -%}
    (cast({{ occupied }} as numeric) / nullif(cast({{ capacity }} as numeric), 0))
{%- endmacro %}
