{#-
    Every non-null value of the column is > 0 (populations). Nulls pass: test them
    with not_null where they are not allowed.
-#}
{% test positive(model, column_name) %}

    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} <= 0

{% endtest %}
