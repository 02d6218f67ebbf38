-- Skyward Qmlativ staff in the common columns, with the row-level rules of DESIGN §7. The
-- role comes from the IsTeacher / IsCounselor flags through xwalk_staff_roles; the export
-- carries no state staff id.
with

staff as (

    select * from {{ ref('stg_skyward_qmlativ__staff') }}

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
            ("staff_id is null", "'StaffNumber is missing'"),
            ("staff_id is not null and rows_with_staff_id > 1", "'StaffNumber appears on more than one row'"),
            ("last_name is null", "'LastName is missing'"),
            ("first_name is null", "'FirstName is missing'"),
            ("email is not null and not " ~ regex_matches('email', '^[^@ ]+@[^@ ]+[.][^@ ]+$'),
                "'Email is not an email address'"),
            ("is_teacher_text is null", "'IsTeacher is missing'"),
            ("is_counselor_text is null", "'IsCounselor is missing'"),
            ("staff_role_code is not null and staff_role is null",
                dbt.concat(["'IsTeacher|IsCounselor '", "staff_role_code", "' is not a known role'"])),
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
        cast(null as {{ dbt.type_string() }}) as state_staff_id,
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
