-- Skyward Qmlativ staff in the common columns, with the row-level rules of DESIGN §7. The
-- role comes from the IsTeacher / IsCounselor flags through xwalk_staff_roles; the export
-- carries no state staff id.
with

staff as (

    select * from {{ ref('stg_skyward_qmlativ__staff') }}

),

staff_roles as (

    select * from {{ ref('xwalk_staff_roles') }}

),

joined as (

    select
        staff.*,
        staff_roles.staff_role,
        {{ rows_per_key('staff', ['district_id', 'staff_id']) }} as rows_with_staff_id
    from staff
    {{ xwalk_join('staff_roles', 'staff', 'staff_role_code') }}

),

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
