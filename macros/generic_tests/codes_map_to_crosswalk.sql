{#
    codes_map_to_crosswalk: every code observed in `column_name` has a row in the crosswalk
    seed for the same SIS and district: the district's own row or the SIS-wide row (district
    rows resolved as every crosswalk join does, resolved_crosswalk). An unmapped code is a
    finding, not a NULL. Fails with one row per unmapped (district, sis, code) and how many
    rows carry it.
    Arguments: crosswalk (ref to the seed), sis_column (the model's SIS column, default
    'sis') or sis (a literal SIS code, e.g. 'pathways' for registry codes), district_column
    (the model's district column, default 'district_id').
#}
{% test codes_map_to_crosswalk(model, column_name, crosswalk, sis_column='sis', sis=none, district_column='district_id') %}

with

observed as (

    select
        {{ district_column }} as district_id,
        {% if sis %}'{{ sis }}'{% else %}{{ sis_column }}{% endif %} as sis,
        {{ column_name }} as source_code,
        count(*) as row_count
    from {{ model }}
    where {{ column_name }} is not null
    group by 1, 2, 3

),

crosswalk_rows as (

    select * from {{ crosswalk }}

),

crosswalk_districts as (

    select distinct district_id from observed

),

crosswalk_codes as (

    {{ resolved_crosswalk('crosswalk_rows', 'crosswalk_districts') }}

)

select
    observed.district_id,
    observed.sis,
    observed.source_code,
    observed.row_count
from observed
left join crosswalk_codes
    on
        observed.district_id = crosswalk_codes.district_id
        and observed.sis = crosswalk_codes.sis
        and observed.source_code = crosswalk_codes.source_code
where crosswalk_codes.source_code is null

{% endtest %}
