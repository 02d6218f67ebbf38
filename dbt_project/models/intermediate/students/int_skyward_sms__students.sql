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

joined as (

    select
        students.*,
        districts.state,
        schools.school_id as registry_school_id,
        grade_levels.grade_level,
        grade_levels.grade_level_number,
        {{ rows_per_key('students', ['district_id', 'student_id']) }} as rows_with_student_id
    from students
    left join districts
        on students.district_id = districts.district_id
    left join schools
        on
            students.district_id = schools.district_id
            and students.school_id = schools.school_id
    {{ xwalk_join('grade_levels', 'students', 'grade_level_code') }}

),

final as (

    {{ entity_select('students', 'joined', student_rules({
        'student_id': 'Other ID', 'last_name': 'Last Name', 'first_name': 'First Name',
        'school_id': 'Entity ID', 'grade_level': 'Grade', 'state_student_id': 'State ID',
        'birth_date': 'Birth Date', 'graduation_year': 'Grad Yr',
    }) + [
        ("enrollment_status_code not in ('A', 'I')",
            dbt.concat(["'Status '", "enrollment_status_code", "' is not A or I'"])),
    ], {
    'enrollment_status': "case enrollment_status_code when 'A' then 'active' when 'I' then 'inactive' end",
}) }}

)

select * from final
