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
        staff_roles.staff_role,
        coalesce(schools.school_id, staff.campus_id) as school_id,
        count(*) over (
            partition by staff.district_id, staff.staff_id
        ) as rows_with_staff_id
    from staff
    left join schools
        on
            staff.district_id = schools.district_id
            and (staff.campus_id = schools.school_id or staff.campus_id = schools.state_school_id)
    left join staff_roles
        on
            staff.sis = staff_roles.sis
            and staff.role_code = staff_roles.source_code

),

checked as (

    select
        *,
        {{ rejection_reason(harmony_snapshot_checks() + [
            ("staff_id is null", "'StaffID is missing'"),
            ("staff_id is not null and rows_with_staff_id > 1", "'StaffID appears on more than one row'"),
            ("last_name is null", "'LastName is missing'"),
            ("first_name is null", "'FirstName is missing'"),
            ("role_code is null", "'Role is missing'"),
            ("role_code is not null and staff_role is null",
                dbt.concat(["'Role '", "role_code", "' is not a known staff role'"])),
        ]) }} as rejection_reason
    from joined

),

final as (

    select
        {{ pathways_key('district_id', ['staff_id']) }} as k_staff,
        {{ pathways_key('district_id', ['school_id']) }} as k_school,
        district_id,
        sis,
        staff_id,
        state_staff_id,
        last_name,
        first_name,
        email,
        school_id,
        staff_role,
        rejection_reason,
        _dataset,
        _source_file,
        _file_sha256,
        _row_number
    from checked

)

select * from final
