{#-
    The combination of `columns` is unique in the model (dbt_utils-free version of
    unique_combination_of_columns). Returns one row per duplicated combination.
-#}
{% test unique_combination(model, columns) %}

    select
        {{ columns | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1

{% endtest %}
