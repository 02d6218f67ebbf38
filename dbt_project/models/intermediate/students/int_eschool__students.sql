-- eSchool students in the common columns, with the row-level rules of DESIGN §7. Grade
-- codes (KF = full-day kindergarten = KG) and CURRENT_STATUS (A/I/G) map through seeds.
with

students as (

    select * from {{ ref('stg_eschool__students') }}

),

{{ rule_context('students', 'eschool', 'students') }},

final as (

    {{ entity_select('students', 'joined', student_rules({
        'student_id': 'STUDENT_ID', 'last_name': 'LAST_NAME', 'first_name': 'FIRST_NAME',
        'school_id': 'BUILDING', 'grade_level': 'GRADE', 'state_student_id': 'STATE_REPORT_ID',
        'birth_date': 'BIRTHDATE', 'graduation_year': 'GRADUATION_YEAR', 'enrollment_status': 'CURRENT_STATUS',
    })) }}

)

select * from final
