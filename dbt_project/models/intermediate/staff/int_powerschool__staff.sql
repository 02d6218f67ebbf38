-- PowerSchool users in the common staff columns, with the row-level rules of DESIGN §7.
-- The role is the home school's SCHOOLSTAFF.STAFFSTATUS through xwalk_staff_roles (1
-- teacher; 0 not assigned, 2 staff, 3 lunch staff, 4 substitute are staff); the query
-- carries no state staff id.
with

staff as (

    select * from {{ ref('stg_powerschool__staff') }}

),

{{ rule_context('staff', 'powerschool', 'staff') }},

final as (

    {{ entity_select('staff', 'joined', staff_rules({
        'staff_id': 'TEACHERNUMBER', 'last_name': 'LAST_NAME', 'first_name': 'FIRST_NAME',
        'school_id': 'HOMESCHOOLID', 'staff_role': 'STAFFSTATUS',
    }, known_role='a known STAFFSTATUS (0-4)', own={'staff': [
        ("email is not null and not " ~ regex_matches('email', '^[^@ ]+@[^@ ]+[.][^@ ]+$'),
            "'EMAIL_ADDR is not an email address'"),
    ]}), {'state_staff_id': none}) }}

)

select * from final
