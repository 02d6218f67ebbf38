-- One row per raw row staged from the latest good files, every entity and SIS: where it
-- came from and whether it passed its row-level rules. Feeds rejected_rows and load_summary.
-- A new entity adds its *__unioned model here.
with

students as (

    select * from {{ ref('int_students__unioned') }}

),

courses as (

    select * from {{ ref('int_courses__unioned') }}

),

grades as (

    select * from {{ ref('int_grades__unioned') }}

),

gpa as (

    select * from {{ ref('int_gpa__unioned') }}

),

certifications as (

    select * from {{ ref('int_certifications__unioned') }}

),

staff as (

    select * from {{ ref('int_staff__unioned') }}

),

course_requests as (

    select * from {{ ref('int_course_requests__unioned') }}

),

unioned as (

    select
        district_id,
        sis,
        _dataset as dataset,
        _source_file as source_file,
        _file_sha256 as file_sha256,
        _row_number as row_number,
        rejection_reason
    from students
    union all
    select
        district_id,
        sis,
        _dataset as dataset,
        _source_file as source_file,
        _file_sha256 as file_sha256,
        _row_number as row_number,
        rejection_reason
    from courses
    union all
    select
        district_id,
        sis,
        _dataset as dataset,
        _source_file as source_file,
        _file_sha256 as file_sha256,
        _row_number as row_number,
        rejection_reason
    from grades
    union all
    select
        district_id,
        sis,
        _dataset as dataset,
        _source_file as source_file,
        _file_sha256 as file_sha256,
        _row_number as row_number,
        rejection_reason
    from gpa
    union all
    select
        district_id,
        sis,
        _dataset as dataset,
        _source_file as source_file,
        _file_sha256 as file_sha256,
        _row_number as row_number,
        rejection_reason
    from certifications
    union all
    select
        district_id,
        sis,
        _dataset as dataset,
        _source_file as source_file,
        _file_sha256 as file_sha256,
        _row_number as row_number,
        rejection_reason
    from staff
    union all
    select
        district_id,
        sis,
        _dataset as dataset,
        _source_file as source_file,
        _file_sha256 as file_sha256,
        _row_number as row_number,
        rejection_reason
    from course_requests

)

select * from unioned
