-- Skyward SMS students in the common columns, with the row-level rules of DESIGN §7.
with

students as (

    select * from {{ ref('stg_skyward_sms__students') }}

),

{{ rule_context('students', 'skyward_sms', 'students') }},

final as (

    {{ entity_select('students', 'joined', student_rules({
        'student_id': 'Other ID', 'last_name': 'Last Name', 'first_name': 'First Name',
        'school_id': 'Entity ID', 'grade_level': 'Grade', 'state_student_id': 'State ID',
        'birth_date': 'Birth Date', 'graduation_year': 'Grad Yr', 'enrollment_status': 'Status',
    }, known_status='A or I')) }}

)

select * from final
