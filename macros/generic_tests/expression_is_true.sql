{#
    expression_is_true: every row satisfies the boolean SQL `expression`.
    Fails with the rows where it is false or NULL.
#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
