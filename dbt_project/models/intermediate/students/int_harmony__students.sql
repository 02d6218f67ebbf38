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
        {{ rows_per_key('students', ['district_id', 'student_id']) }} as rows_with_student_id
    from students
    left join districts
        on students.district_id = districts.district_id
    left join schools
        on
            students.district_id = schools.district_id
            and (students.campus_id = schools.school_id or students.campus_id = schools.state_school_id)
    {{ xwalk_join('grade_levels', 'students', 'grade_level_code') }}
    {{ xwalk_join('enrollment_statuses', 'students', 'enrollment_status_code') }}

),

final as (

    {{ entity_select('students', 'joined', harmony_snapshot_checks() + student_rules({
        'student_id': 'StudentID', 'last_name': 'LastName', 'first_name': 'FirstName',
        'grade_level': 'GradeLevel', 'state_student_id': 'StateID', 'birth_date': 'BirthDate',
        'graduation_year': 'GraduationYear', 'enrollment_status': 'EnrollmentStatus',
    }, date_format='YYYY-MM-DD', own={
        'student': [
            required('campus_id', 'CampusID'),
            ("campus_id is not null and registry_school_id is null", rule_text('CampusID', 'campus_id',
                " is neither the local nor the TX campus id of a school of the district in the registry")),
        ],
    })) }}

)

select * from final
