-- Ascender staff (the TEACHERS export) in the common columns, with the row-level rules of
-- DESIGN §7. Role maps through xwalk_staff_roles.
with

staff as (

    select * from {{ ref('stg_ascender__staff') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

staff_roles as (

    select * from {{ ref('xwalk_staff_roles') }}

),

joined as (

    select
        staff.*,
        districts.state,
        districts.state_district_id,
        staff_roles.staff_role,
        {{ rows_per_key('staff', ['district_id', 'staff_id']) }} as rows_with_staff_id
    from staff
    left join districts
        on staff.district_id = districts.district_id
    {{ xwalk_join('staff_roles', 'staff', 'staff_role_code') }}

),

-- TXUniqueStaffID is checked with the student format: the TX unique ID system gives staff
-- and students the same 10-digit IDs.
final as (

    {{ entity_select('staff', 'joined', staff_rules({
        'staff_id': 'EmployeeID', 'last_name': 'LastName', 'first_name': 'FirstName',
        'state_staff_id': 'TXUniqueStaffID', 'staff_role': 'Role',
    }, own={'staff': ascender_campus_checks()})) }}

)

select * from final
