with

certifications as (

    select * from {{ ref('int_certifications__unioned') }}
    where rejection_reason is null

),

final as (

    select
        k_student_certification,
        k_student,
        district_id,
        sis,
        student_id,
        certification_code,
        certification_name,
        vendor,
        result,
        earned_date
    from certifications

)

select * from final
