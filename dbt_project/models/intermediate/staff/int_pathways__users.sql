-- Users data (any district, whatever its SIS) in the common staff columns, with its row
-- rules: the staff rule set (UserID present and on one row, names, a home school, a known
-- Role through xwalk_staff_roles rows of sis `pathways`) plus an email address in a valid
-- format and every listed SchoolID a school of the district in the registry.
with

users as (

    select * from {{ ref('stg_pathways__users') }}

),

{{ rule_context('staff', 'pathways', 'users') }},

final as (

    {{ entity_select('staff', 'joined', staff_rules({
        'staff_id': 'UserID', 'last_name': 'LastName', 'first_name': 'FirstName',
        'school_id': 'SchoolIDs', 'staff_role': 'Role',
    }, known_role='a known role (counselor, administrator or teacher)', own={
        'staff': [
            required('email', 'Email'),
            ("email is not null and not " ~ regex_matches('email', '^[^@ ]+@[^@ ]+[.][^@ ]+$'),
                "'Email is not an email address'"),
        ],
        'school': [
            ("unregistered_school_ids > 0",
                rule_text('SchoolIDs', none,
                    " lists a school that is not one of the district's schools in the registry")),
        ],
    }), {'state_staff_id': none}) }}

)

select * from final
