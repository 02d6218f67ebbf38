{#
    not_null_columns: no row has a NULL in any of the listed columns. One test per model
    instead of one `not_null` per column (a build runs one query, not one per column), with
    the same check and severity. Fails with one row per (row, column) that is NULL: the
    column's name in `null_column`, then the row itself (its district_id, when the model has
    one, tells whose row it is).
    Arguments: columns (list of column names).
#}
{% test not_null_columns(model, columns) %}

{%- for column in columns %}
select
    '{{ column }}' as null_column,
    *
from {{ model }}
where {{ column }} is null
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}

{% endtest %}
