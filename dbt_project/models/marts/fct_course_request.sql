with

course_requests as (

    select * from {{ ref('int_course_requests__unioned') }}
    where rejection_reason is null

),

final as (

    select
        k_course_request,
        k_student,
        k_course,
        district_id,
        sis,
        student_id,
        school_year,
        course_code,
        request_rank,
        is_alternate,
        request_status,
        school_id
    from course_requests

)

select * from final
