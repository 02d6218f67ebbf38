-- SIS staff merged with the district's Users data (int_pathways__users): a user whose
-- UserID is SIS staff of the district is one row (the Users role wins when it is counselor
-- or administrator; the Users email fills a missing one); any other user is a staff row of
-- its own (sis `pathways`, its first school as school_id).
with

staff as (

    select * from {{ ref('int_staff__unioned') }}
    where rejection_reason is null

),

users as (

    select * from {{ ref('int_pathways__users') }}
    where rejection_reason is null

),

merged as (

    select
        staff.state_staff_id,
        coalesce(staff.district_id, users.district_id) as district_id,
        coalesce(staff.sis, users.sis) as sis,
        coalesce(staff.staff_id, users.staff_id) as staff_id,
        coalesce(staff.last_name, users.last_name) as last_name,
        coalesce(staff.first_name, users.first_name) as first_name,
        coalesce(staff.email, users.email) as email,
        coalesce(staff.school_id, users.school_id) as school_id,
        case
            when users.staff_role in ('counselor', 'administrator') then users.staff_role
            else coalesce(staff.staff_role, users.staff_role)
        end as staff_role,
        users.k_staff is not null as has_pathways_account
    from staff
    full outer join users
        on staff.k_staff = users.k_staff

),

final as (

    select
        {{ entity_key('k_staff') }} as k_staff,
        {{ entity_key('k_district') }} as k_district,
        {{ entity_key('k_school') }} as k_school,
        district_id,
        sis,
        staff_id,
        state_staff_id,
        last_name,
        first_name,
        email,
        school_id,
        staff_role,
        has_pathways_account
    from merged

)

select * from final
