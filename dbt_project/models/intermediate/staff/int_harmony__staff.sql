-- Harmony staff (teachers.csv) of the newest term upload in the common columns, with the
-- row-level rules of DESIGN §7. Roles map through xwalk_staff_roles.
with

staff as (

    select * from {{ ref('stg_harmony__staff') }}

),

schools as (

    select * from {{ ref('stg_pathways__district_schools') }}

),

staff_roles as (

    select * from {{ ref('xwalk_staff_roles') }}

),

joined as (

    select
        staff.*,
        staff.role_code as staff_role_code,
        staff_roles.staff_role,
        coalesce(schools.school_id, staff.campus_id) as school_id,
        {{ rows_per_key('staff', ['district_id', 'staff_id']) }} as rows_with_staff_id
    from staff
    left join schools
        on
            staff.district_id = schools.district_id
            and (staff.campus_id = schools.school_id or staff.campus_id = schools.state_school_id)
    {{ xwalk_join('staff_roles', 'staff', 'role_code') }}

),

final as (

    {{ entity_select('staff', 'joined', harmony_snapshot_checks() + staff_rules({
        'staff_id': 'StaffID', 'last_name': 'LastName', 'first_name': 'FirstName', 'staff_role': 'Role',
    })) }}

)

select * from final
