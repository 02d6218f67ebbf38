{#
    unique_combination_of_columns: no two rows share the same values of `combination`
    (a list of columns). Fails with each duplicated combination and its count.
#}
{% test unique_combination_of_columns(model, combination) %}

select
    {{ combination | join(',\n    ') }},
    count(*) as row_count
from {{ model }}
group by {{ combination | join(', ') }}
having count(*) > 1

{% endtest %}
