{#
    A person count that `bi_reader` can read holds no value from 1 to 4 (docs:
    `disclosure`). Columns marked `meta: {disclosure: count}` carry this test; a
    relation bi_reader cannot read (the `detail` schema) passes whatever it holds.
#}
{% test disclosed_count(model, column_name) %}

select {{ column_name }}
from {{ model }}
where
    {{ column_name }} between 1 and 4
    and has_table_privilege('bi_reader', '{{ model }}', 'select')

{% endtest %}
