-- One row per raw row staged from the latest good files, every entity and SIS: where it
-- came from and whether it passed its row-level rules. Feeds rejected_rows and load_summary.
-- A new entity adds its *__unioned model to the list (Users data: int_pathways__users).
-- A view, like the entity unions it reads: its four readers scan the per-SIS tables'
-- lineage columns directly (0.9 s at 100x the demo), where a table first copied 9.8
-- million rows (1.8 s) and its readers then took 1.4 s.
{{ config(materialized='view') }}
{%- set unioned_entities = [
    ref('int_students__unioned'),
    ref('int_courses__unioned'),
    ref('int_grades__unioned'),
    ref('int_gpa__unioned'),
    ref('int_certifications__unioned'),
    ref('int_staff__unioned'),
    ref('int_course_requests__unioned'),
    ref('int_pathways__users'),
] %}
with

unioned as (
    {% for entity in unioned_entities %}
        select
            district_id,
            sis,
            _dataset as dataset,
            _source_file as source_file,
            _file_sha256 as file_sha256,
            _row_number as row_number,
            rejection_reason
        from {{ entity }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from unioned
