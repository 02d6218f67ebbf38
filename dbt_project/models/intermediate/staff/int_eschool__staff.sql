-- eSchool staff in the common columns: the IS_TEACHER/IS_COUNSELOR flags map to a role
-- through xwalk_staff_roles; row-level rules of DESIGN §7.
with

staff as (

    select * from {{ ref('stg_eschool__staff') }}

),

staff_roles as (

    select * from {{ ref('xwalk_staff_roles') }}

),

joined as (

    select
        staff.*,
        staff_roles.staff_role,
        count(*) over (
            partition by staff.district_id, staff.staff_id
        ) as rows_with_staff_id
    from staff
    left join staff_roles
        on
            staff.sis = staff_roles.sis
            and staff.staff_role_code = staff_roles.source_code

),

checked as (

    select
        *,
        {{ rejection_reason([
            ("staff_id is null", "'STAFF_ID is missing'"),
            ("staff_id is not null and rows_with_staff_id > 1", "'STAFF_ID appears on more than one row'"),
            ("last_name is null", "'LAST_NAME is missing'"),
            ("first_name is null", "'FIRST_NAME is missing'"),
            ("school_id is null", "'BUILDING is missing'"),
            ("is_teacher_code is null or is_counselor_code is null", "'IS_TEACHER or IS_COUNSELOR is missing'"),
            ("staff_role_code is not null and staff_role is null",
                dbt.concat(["'IS_TEACHER/IS_COUNSELOR '", "staff_role_code", "' is not a known role'"])),
            ("active_code is null or active_code not in ('Y', 'N')", "'ACTIVE is not Y or N'"),
            ("email is not null and email not like '%_@_%._%'", "'EMAIL is not an email address'"),
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
