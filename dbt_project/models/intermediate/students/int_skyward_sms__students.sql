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
        {{ rows_per_key('students', ['district_id', 'student_id']) }} as rows_with_student_id
    from students
    left join districts
        on students.district_id = districts.district_id
    left join schools
        on
            students.district_id = schools.district_id
            and students.school_id = schools.school_id
    {{ xwalk_join('grade_levels', 'students', 'grade_level_code') }}
    {{ xwalk_join('enrollment_statuses', 'students', 'enrollment_status_code') }}

),

final as (

    {{ entity_select('students', 'joined', student_rules({
        'student_id': 'Other ID', 'last_name': 'Last Name', 'first_name': 'First Name',
        'school_id': 'Entity ID', 'grade_level': 'Grade', 'state_student_id': 'State ID',
        'birth_date': 'Birth Date', 'graduation_year': 'Grad Yr', 'enrollment_status': 'Status',
    }, known_status='A or I')) }}

)

select * from final
