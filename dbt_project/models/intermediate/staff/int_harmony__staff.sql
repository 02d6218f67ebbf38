-- Harmony staff (teachers.csv) of the newest term upload in the common columns, with the
-- row-level rules of DESIGN §7 (StateStaffID in the state's staff id format). Roles map through xwalk_staff_roles.
with

staff as (

    select * from {{ ref('stg_harmony__staff') }}

),

{{ rule_context('staff', 'harmony', 'staff', lookups=['districts', 'schools', 'staff_roles'],
    on={'schools': 'campus_id', 'staff_roles': 'role_code'}, columns=['role_code as staff_role_code']) }},

final as (

    {{ entity_select('staff', 'joined', harmony_snapshot_checks() + staff_rules({
        'staff_id': 'StaffID', 'last_name': 'LastName', 'first_name': 'FirstName',
        'state_staff_id': 'StateStaffID', 'staff_role': 'Role',
    })) }}

)

select * from final
