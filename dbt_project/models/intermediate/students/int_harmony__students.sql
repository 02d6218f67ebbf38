-- Harmony students of the newest term upload in the common columns, with the row-level
-- rules of DESIGN §7. CampusID arrives as the local id or the TX campus id: both resolve
-- to the registry's school id.
with

students as (

    select * from {{ ref('stg_harmony__students') }}

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
        grade_levels.grade_level,
        grade_levels.grade_level_number,
        enrollment_statuses.enrollment_status,
        schools.school_id as registry_school_id,
        coalesce(schools.school_id, students.campus_id) as school_id,
        count(*) over (
            partition by students.district_id, students.student_id
        ) as rows_with_student_id
    from students
    left join districts
        on students.district_id = districts.district_id
    left join schools
        on
            students.district_id = schools.district_id
            and (students.campus_id = schools.school_id or students.campus_id = schools.state_school_id)
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
        {{ rejection_reason(harmony_snapshot_checks() + [
            ("student_id is null", "'StudentID is missing'"),
            ("student_id is not null and rows_with_student_id > 1", "'StudentID appears on more than one row'"),
            ("last_name is null", "'LastName is missing'"),
            ("first_name is null", "'FirstName is missing'"),
            ("campus_id is null", "'CampusID is missing'"),
            ("campus_id is not null and registry_school_id is null",
                dbt.concat(["'CampusID '", "campus_id",
                    "' is neither the local nor the TX campus id of a school of the district in the registry'"])),
            ("grade_level_code is null", "'GradeLevel is missing'"),
            ("grade_level_code is not null and grade_level is null",
                dbt.concat(["'GradeLevel '", "grade_level_code", "' is not a known grade level'"])),
            ("not " ~ matches_state_format('state_student_id', 'state', 'student'),
                dbt.concat(["'StateID does not match the '", "state", "' format '",
                    state_format_label('state', 'student')])),
            ("birth_date_text is not null and birth_date is null",
                "'BirthDate is not a valid YYYY-MM-DD date'"),
            ("graduation_year_text is not null and graduation_year is null",
                "'GraduationYear is not a year'"),
            ("enrollment_status_code is null", "'EnrollmentStatus is missing'"),
            ("enrollment_status_code is not null and enrollment_status is null",
                dbt.concat(["'EnrollmentStatus '", "enrollment_status_code", "' is not a known status'"])),
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
