{#
    codes_map_to_crosswalk: every code observed in `column_name` has a row in the crosswalk
    seed for the same SIS (an unmapped code is a finding, not a NULL). Fails with one row
    per unmapped (sis, code) and how many rows carry it.
    Arguments: crosswalk (ref to the seed), sis_column (the model's SIS column, default
    'sis') or sis (a literal SIS code, e.g. 'pathways' for registry codes).
#}
{% test codes_map_to_crosswalk(model, column_name, crosswalk, sis_column='sis', sis=none) %}

with

observed as (

    select
        {% if sis %}'{{ sis }}'{% else %}{{ sis_column }}{% endif %} as sis,
        {{ column_name }} as source_code,
        count(*) as row_count
    from {{ model }}
    where {{ column_name }} is not null
    group by 1, 2

),

crosswalk_codes as (

    select
        sis,
        source_code
    from {{ crosswalk }}

)

select
    observed.sis,
    observed.source_code,
    observed.row_count
from observed
left join crosswalk_codes
    on
        observed.sis = crosswalk_codes.sis
        and observed.source_code = crosswalk_codes.source_code
where crosswalk_codes.source_code is null

{% endtest %}
