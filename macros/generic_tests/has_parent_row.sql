{#
    has_parent_row: a multi-column relationships test. Every row of the model whose
    `columns` are all non-NULL has a row in `to` with the same values in `parent_columns`
    (defaults to the same names). Fails with each orphan combination and its count.
#}
{% test has_parent_row(model, columns, to, parent_columns=none) %}

{%- set parent_columns = parent_columns or columns %}

with

child as (

    select
        {{ columns | join(',\n        ') }},
        count(*) as row_count
    from {{ model }}
    where
        {% for column in columns -%}
        {{ column }} is not null{% if not loop.last %} and {% endif %}
        {%- endfor %}
    group by {{ columns | join(', ') }}

),

parent as (

    select distinct
        {% for column in parent_columns -%}
        {{ column }} as parent_{{ loop.index }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ to }}

)

select child.*
from child
left join parent
    on
        {% for column in columns -%}
        child.{{ column }} = parent.parent_{{ loop.index }}{% if not loop.last %} and {% endif %}
        {%- endfor %}
where parent.parent_1 is null

{% endtest %}
