-- One row per raw row staged from the latest good files, every entity and SIS: where it
-- came from and whether it passed its row-level rules. Feeds rejected_rows and load_summary.
{%- set entities = [
    'int_students__unioned',
    'int_courses__unioned',
    'int_grades__unioned',
    'int_gpa__unioned',
    'int_certifications__unioned',
    'int_staff__unioned',
    'int_course_requests__unioned',
] %}
with

{% for entity in entities %}
{{ entity | replace('int_', '') | replace('__unioned', '') }} as (

    select
        district_id,
        sis,
        _dataset as dataset,
        _source_file as source_file,
        _file_sha256 as file_sha256,
        _row_number as row_number,
        rejection_reason
    from {{ ref(entity) }}

),

{% endfor -%}
unioned as (

    {% for entity in entities -%}
    select * from {{ entity | replace('int_', '') | replace('__unioned', '') }}
    {% if not loop.last %}union all
    {% endif %}
    {%- endfor %}

)

select * from unioned
