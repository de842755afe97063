{#- Grain test: no two rows share the same values in `combination_of_columns`.
    (The same check as dbt_utils', kept here so the project needs no package download.) -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as rows_with_these_values
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}
