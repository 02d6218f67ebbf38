with

gpa as (

    select * from {{ ref('int_gpa__unioned') }}
    where rejection_reason is null

),

final as (

    select
        k_student_gpa,
        k_student,
        district_id,
        sis,
        student_id,
        school_year,
        term_code,
        gpa_type,
        is_weighted,
        gpa_scope,
        gpa_value,
        scale_max,
        class_rank,
        class_size,
        credits,
        school_id
    from gpa

)

select * from final
