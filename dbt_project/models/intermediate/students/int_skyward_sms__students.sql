-- Skyward SMS students in the common columns, with the row-level rules of DESIGN §7.
with

students as (

    select * from {{ ref('stg_skyward_sms__students') }}

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

joined as (

    select
        students.*,
        districts.state,
        schools.school_id as registry_school_id,
        grade_levels.grade_level,
        grade_levels.grade_level_number,
        enrollment_statuses.enrollment_status,
        count(*) over (
            partition by students.district_id, students.student_id
        ) as rows_with_student_id
    from students
    left join districts
        on students.district_id = districts.district_id
    left join schools
        on
            students.district_id = schools.district_id
            and students.school_id = schools.school_id
    left join grade_levels
        on
            students.sis = grade_levels.sis
            and students.grade_level_code = grade_levels.source_code
    left join enrollment_statuses
        on
            students.sis = enrollment_statuses.sis
            and students.enrollment_status_code = enrollment_statuses.source_code

),

checked as (

    select
        *,
        {{ rejection_reason([
            ("student_id is null", "'Other ID is missing'"),
            ("student_id is not null and rows_with_student_id > 1", "'Other ID appears on more than one row'"),
            ("last_name is null", "'Last Name is missing'"),
            ("first_name is null", "'First Name is missing'"),
            ("school_id is null", "'Entity ID is missing'"),
            ("school_id is not null and registry_school_id is null",
                dbt.concat(["'Entity ID '", "school_id", "' is not one of the district''s schools in the registry'"])),
            ("grade_level_code is null", "'Grade is missing'"),
            ("grade_level_code is not null and grade_level is null",
                dbt.concat(["'Grade '", "grade_level_code", "' is not a known grade level'"])),
            ("not " ~ matches_state_format('state_student_id', 'state', 'student'),
                dbt.concat(["'State ID does not match the '", "state", "' format '",
                    state_format_label('state', 'student')])),
            ("birth_date_text is not null and birth_date is null",
                "'Birth Date is not a valid MM/DD/YYYY date'"),
            ("graduation_year_text is not null and graduation_year is null",
                "'Grad Yr is not a year'"),
            ("enrollment_status_code not in ('A', 'I')",
                dbt.concat(["'Status '", "enrollment_status_code", "' is not A or I'"])),
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
        graduation_year,
        counselor_staff_id,
        rejection_reason,
        _dataset,
        _source_file,
        _file_sha256,
        _row_number
    from checked

)

select * from final
