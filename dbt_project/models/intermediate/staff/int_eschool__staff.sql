-- eSchool staff in the common columns: the IS_TEACHER/IS_COUNSELOR flags map to a role
-- through xwalk_staff_roles; row-level rules of DESIGN §7 (STAFF_STATE_ID in the state's
-- staff id format).
with

staff as (

    select * from {{ ref('stg_eschool__staff') }}

),

{{ rule_context('staff', 'eschool', 'staff', lookups=['districts', 'staff_roles']) }},

final as (

    {{ entity_select('staff', 'joined', staff_rules({
        'staff_id': 'STAFF_ID', 'last_name': 'LAST_NAME', 'first_name': 'FIRST_NAME',
        'school_id': 'BUILDING', 'state_staff_id': 'STAFF_STATE_ID', 'staff_role': 'IS_TEACHER/IS_COUNSELOR',
    }, role_required=false, known_role='a known role', own={
        'school': [("is_teacher_code is null or is_counselor_code is null", "'IS_TEACHER or IS_COUNSELOR is missing'")],
    }) + [
        ("active_code is null or active_code not in ('Y', 'N')", "'ACTIVE is not Y or N'"),
        ("email is not null and email not like '%_@_%._%'", "'EMAIL is not an email address'"),
    ]) }}

)

select * from final
