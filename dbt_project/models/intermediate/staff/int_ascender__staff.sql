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
        count(*) over (
            partition by staff.district_id, staff.staff_id
        ) as rows_with_staff_id
    from staff
    left join districts
        on staff.district_id = districts.district_id
    left join staff_roles
        on
            staff.sis = staff_roles.sis
            and staff.staff_role_code = staff_roles.source_code

),

-- TXUniqueStaffID is checked with the student format: the TX unique ID system gives staff
-- and students the same 10-digit IDs.
checked as (

    select
        *,
        {{ rejection_reason([
            ("staff_id is null", "'EmployeeID is missing'"),
            ("staff_id is not null and rows_with_staff_id > 1", "'EmployeeID appears on more than one row'"),
            ("last_name is null", "'LastName is missing'"),
            ("first_name is null", "'FirstName is missing'"),
        ] + ascender_campus_checks() + [
            ("not " ~ matches_state_format('state_staff_id', 'state', 'student'),
                dbt.concat(["'TXUniqueStaffID does not match the '", "state", "' format '",
                    state_format_label('state', 'student')])),
            ("staff_role_code is null", "'Role is missing'"),
            ("staff_role_code is not null and staff_role is null",
                dbt.concat(["'Role '", "staff_role_code", "' is not a known staff role'"])),
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
