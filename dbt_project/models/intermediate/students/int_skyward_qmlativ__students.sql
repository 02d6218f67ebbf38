-- Skyward Qmlativ students in the common columns, with the row-level rules of DESIGN §7.
-- Grade (a code) is mapped through xwalk_grade_levels; GradeNumeric must agree with it.
-- The export carries no graduation year: the on-time one is derived from the grade.
with

students as (

    select * from {{ ref('stg_skyward_qmlativ__students') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

schools as (

    select * from {{ ref('stg_pathways__district_schools') }}

),

grade_levels as (

    select * from {{ ref('xwalk_grade_levels') }}

),

enrollment_statuses as (

    select * from {{ ref('xwalk_enrollment_statuses') }}

),

with_school_year as (

    select
        *,
        {{ spring_school_year('school_year_text') }} as school_year
    from students

),

joined as (

    select
        with_school_year.*,
        districts.state,
        schools.school_id as registry_school_id,
        grade_levels.grade_level,
        grade_levels.grade_level_number,
        enrollment_statuses.enrollment_status,
        count(*) over (
            partition by with_school_year.district_id, with_school_year.student_id
        ) as rows_with_student_id
    from with_school_year
    left join districts
        on with_school_year.district_id = districts.district_id
    left join schools
        on
            with_school_year.district_id = schools.district_id
            and with_school_year.school_id = schools.school_id
    left join grade_levels
        on
            with_school_year.sis = grade_levels.sis
            and with_school_year.grade_level_code = grade_levels.source_code
    left join enrollment_statuses
        on
            with_school_year.sis = enrollment_statuses.sis
            and with_school_year.enrollment_status_code = enrollment_statuses.source_code

),

checked as (

    select
        *,
        {{ rejection_reason([
            ("student_id is null", "'StudentNumber is missing'"),
            ("student_id is not null and rows_with_student_id > 1", "'StudentNumber appears on more than one row'"),
            ("last_name is null", "'LastName is missing'"),
            ("first_name is null", "'FirstName is missing'"),
            ("school_id is null", "'EntityCode is missing'"),
            ("school_id is not null and registry_school_id is null",
                dbt.concat(["'EntityCode '", "school_id", "' is not one of the district''s schools in the registry'"])),
            ("grade_level_code is null", "'Grade is missing'"),
            ("grade_level_code is not null and grade_level is null",
                dbt.concat(["'Grade '", "grade_level_code", "' is not a known grade level'"])),
            ("grade_numeric_text is not null and grade_numeric is null",
                dbt.concat(["'GradeNumeric '", "grade_numeric_text", "' is not a whole number'"])),
            ("grade_numeric <> grade_level_number",
                dbt.concat(["'GradeNumeric '", "grade_numeric_text", "' does not match Grade '",
                    "grade_level_code"])),
            ("not " ~ matches_state_format('state_student_id', 'state', 'student'),
                dbt.concat(["'StudentTestNumber does not match the '", "state", "' format '",
                    state_format_label('state', 'student')])),
            ("birth_date_text is not null and birth_date is null",
                "'BirthDate is not a valid MM/DD/YYYY date'"),
            ("school_year_text is null", "'SchoolYear is missing'"),
            ("school_year_text is not null and school_year is null",
                dbt.concat(["'SchoolYear '", "school_year_text", "' is not a school year'"])),
            ("enrollment_status_code is null", "'IsActive is missing'"),
            ("enrollment_status_code is not null and enrollment_status is null",
                dbt.concat(["'IsActive '", "enrollment_status_code", "' is not True or False'"])),
        ]) }} as rejection_reason
    from joined

),

final as (

    select
        {{ pathways_key('district_id', ['student_id']) }} as k_student,
        {{ pathways_key('district_id', ['school_id']) }} as k_school,
        district_id,
        sis,
        student_id,
        state_student_id,
        last_name,
        first_name,
        middle_name,
        birth_date,
        gender,
        grade_level,
        grade_level_number,
        school_id,
        enrollment_status,
        -- on-time graduation: the spring of the year the student would finish grade 12
        cast(school_year + 12 - grade_level_number as {{ dbt.type_int() }}) as graduation_year,
        counselor_staff_id,
        rejection_reason,
        _dataset,
        _source_file,
        _file_sha256,
        _row_number
    from checked

)

select * from final
