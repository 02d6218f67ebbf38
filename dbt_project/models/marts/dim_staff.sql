with

staff as (

    select * from {{ ref('int_staff__unioned') }}
    where rejection_reason is null

),

final as (

    select
        k_staff,
        {{ entity_key('k_district') }} as k_district,
        k_school,
        district_id,
        sis,
        staff_id,
        state_staff_id,
        last_name,
        first_name,
        email,
        school_id,
        staff_role
    from staff

)

select * from final
