{#- Every column in `column_names` holds a value on every row the test reads: one row per column that
    has NULLs, with how many. One test per model instead of one per column, since each test is a
    node every tick pays dbt's per-node overhead for, and one scan answers for all the columns. The
    rows read follow the project's `where` (the rows the last build wrote; macros/last_build.sql). -#}
{% test not_null_columns(model, column_names) %}
select checked.column_name, count(*) as null_rows
-- `model` may come aliased already (a filtered subquery), hence the select around it.
from (select * from {{ model }}) as tested
cross join lateral (
    values
    {%- for column in column_names %}
        ('{{ column }}', tested.{{ adapter.quote(column) }} is null){{ ',' if not loop.last }}
    {%- endfor %}
) as checked (column_name, is_null)
where checked.is_null
group by checked.column_name
{% endtest %}
