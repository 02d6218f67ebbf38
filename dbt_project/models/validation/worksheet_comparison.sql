-- The Data Validation Worksheet against the marts: one row per worksheet line, its expected
-- count, the count the marts hold (every school / grade when the line leaves them empty) and
-- whether the difference is within the line's tolerance.
with

worksheets as (

    select * from {{ ref('stg_pathways__validation_worksheets') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

students as (

    select * from {{ ref('dim_student') }}

),

staff as (

    select * from {{ ref('dim_staff') }}

),

courses as (

    select * from {{ ref('dim_course') }}

),

course_requests as (

    select * from {{ ref('fct_course_request') }}

),

grades as (

    select * from {{ ref('fct_student_grade') }}

),

gpa as (

    select * from {{ ref('fct_student_gpa') }}

),

-- each dataset counted at the finest grain a worksheet line can name
actual_counts as (

    select
        district_id,
        'students' as dataset,
        school_id,
        grade_level,
        count(*) as row_count
    from students
    group by district_id, school_id, grade_level

    union all

    select
        district_id,
        'staff' as dataset,
        school_id,
        cast(null as {{ dbt.type_string() }}) as grade_level,
        count(*) as row_count
    from staff
    group by district_id, school_id

    union all

    select
        district_id,
        'courses' as dataset,
        cast(null as {{ dbt.type_string() }}) as school_id,
        cast(null as {{ dbt.type_string() }}) as grade_level,
        count(*) as row_count
    from courses
    group by district_id

    union all

    select
        district_id,
        'course_requests' as dataset,
        school_id,
        cast(null as {{ dbt.type_string() }}) as grade_level,
        count(*) as row_count
    from course_requests
    group by district_id, school_id

    union all

    select
        district_id,
        'grades' as dataset,
        school_id,
        cast(null as {{ dbt.type_string() }}) as grade_level,
        count(*) as row_count
    from grades
    group by district_id, school_id

    union all

    select
        district_id,
        'gpa' as dataset,
        school_id,
        cast(null as {{ dbt.type_string() }}) as grade_level,
        count(*) as row_count
    from gpa
    group by district_id, school_id

),

-- a school or grade the worksheet names but the data lacks counts 0
matched as (

    select
        worksheets.district_id,
        worksheets.dataset,
        worksheets.school_id,
        worksheets.grade_level,
        worksheets.expected_count,
        worksheets.tolerance_pct,
        worksheets.source_file,
        worksheets.line_number,
        coalesce(sum(actual_counts.row_count), 0) as actual_count
    from worksheets
    left join actual_counts
        on
            worksheets.district_id = actual_counts.district_id
            and worksheets.dataset = actual_counts.dataset
            and (worksheets.school_id is null or worksheets.school_id = actual_counts.school_id)
            and (
                worksheets.grade_level is null
                or worksheets.grade_level = actual_counts.grade_level
            )
    group by
        worksheets.district_id,
        worksheets.dataset,
        worksheets.school_id,
        worksheets.grade_level,
        worksheets.expected_count,
        worksheets.tolerance_pct,
        worksheets.source_file,
        worksheets.line_number

),

final as (

    select
        matched.district_id,
        districts.district_status,
        matched.dataset,
        matched.school_id,
        matched.grade_level,
        matched.expected_count,
        matched.actual_count,
        matched.tolerance_pct,
        matched.source_file,
        matched.line_number,
        matched.actual_count - matched.expected_count as difference,
        matched.expected_count * matched.tolerance_pct / 100.0 as allowed_difference,
        abs(matched.actual_count - matched.expected_count)
        <= matched.expected_count * matched.tolerance_pct / 100.0 as is_within_tolerance
    from matched
    left join districts
        on matched.district_id = districts.district_id

)

select * from final
