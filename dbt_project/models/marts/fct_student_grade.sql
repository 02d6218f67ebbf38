with

grades as (

    select * from {{ ref('int_grades__unioned') }}
    where rejection_reason is null

),

final as (

    select
        k_student_grade,
        k_student,
        k_course,
        district_id,
        sis,
        student_id,
        school_year,
        term_code,
        term_name,
        course_code,
        section_code,
        school_id,
        state_course_code,
        letter_grade,
        numeric_grade,
        credits_attempted,
        credits_earned,
        is_final,
        grade_level_when_taken
    from grades

)

select * from final
