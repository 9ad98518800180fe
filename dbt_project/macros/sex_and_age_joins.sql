{#-
    The two joins that map a source's sex code and age band to the common sets
    (ref_sex_codes, ref_age_groups; imported by the model as `sex_codes` and
    `age_groups`). Left joins: a code the seeds do not know keeps its row, with a
    null common value that the model's tests report.
-#}
{% macro sex_and_age_joins(source, sex_code, age_band) -%}
    left join sex_codes
        on
            sex_codes.source = '{{ source }}'
            and {{ sex_code }} = sex_codes.source_code
    left join age_groups
        on
            age_groups.source = '{{ source }}'
            and {{ age_band }} = age_groups.source_band
{%- endmacro %}
