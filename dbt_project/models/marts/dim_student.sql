with

students as (

    select * from {{ ref('int_students__unioned') }}
    where rejection_reason is null

),

final as (

    select
        k_student,
        {{ entity_key('k_district') }} as k_district,
        k_school,
        district_id,
        sis,
        student_id,
        state_student_id,
        last_name,
        first_name,
        middle_name,
        birth_date,
        gender,
        grade_level,
        grade_level_number,
        school_id,
        enrollment_status,
        graduation_year,
        counselor_staff_id
    from students

)

select * from final
