{#-
    Recognition rate: the share of asylum decisions that grant a protection status,
    as a ratio (0.42 = 42 %): positive decisions over all decisions taken (positive
    and negative, as each source counts them, see ref_asylum_decision_types). Null
    when no decision was taken (0) or the total is unknown (null), never a division
    by zero.

    The one definition every mart uses, at every governance level.
-#}
{% macro recognition_rate(positive, total_decided) -%}
    (cast({{ positive }} as numeric) / nullif(cast({{ total_decided }} as numeric), 0))
{%- endmacro %}
