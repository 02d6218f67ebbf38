-- Skyward Qmlativ staff in the common columns, with the row-level rules of DESIGN §7. The
-- role comes from the IsTeacher / IsCounselor flags through xwalk_staff_roles; the export
-- carries no state staff id.
with

staff as (

    select * from {{ ref('stg_skyward_qmlativ__staff') }}

),

{{ rule_context('staff', 'skyward_qmlativ', 'staff') }},

final as (

    {{ entity_select('staff', 'joined', staff_rules({
        'staff_id': 'StaffNumber', 'last_name': 'LastName', 'first_name': 'FirstName',
        'staff_role': 'IsTeacher|IsCounselor',
    }, role_required=false, known_role='a known role', own={'staff': [
        ("email is not null and not " ~ regex_matches('email', '^[^@ ]+@[^@ ]+[.][^@ ]+$'),
            "'Email is not an email address'"),
        required('is_teacher_text', 'IsTeacher'),
        required('is_counselor_text', 'IsCounselor'),
    ]}), {'state_staff_id': none}) }}

)

select * from final
