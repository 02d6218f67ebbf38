-- Ascender staff (the TEACHERS export) in the common columns, with the row-level rules of
-- DESIGN §7. Role maps through xwalk_staff_roles.
with

staff as (

    select * from {{ ref('stg_ascender__staff') }}

),

{{ rule_context('staff', 'ascender', 'staff', lookups=['districts', 'staff_roles']) }},

-- TXUniqueStaffID is checked with the state's staff format (TX: 10 digits).
final as (

    {{ entity_select('staff', 'joined', staff_rules({
        'staff_id': 'EmployeeID', 'last_name': 'LastName', 'first_name': 'FirstName',
        'state_staff_id': 'TXUniqueStaffID', 'staff_role': 'Role',
    }, own={'staff': ascender_campus_checks()})) }}

)

select * from final
