-- The Ascender GRADES export: one row per student, course section and semester, with the
-- three cycle (six-weeks) grades, the exam, the semester average and the posted grade.
with

source as (

    {{ latest_good_rows('ascender', 'grades') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'ascender' as sis,
        {{ clean_text('district_id') }} as district_cdn,
        {{ clean_text('campus_id') }} as campus_id_text,
        {{ ascender_school_id('campus_id') }} as school_id,
        {{ ascender_state_school_id('campus_id') }} as state_school_id,
        {{ clean_text('student_id') }} as student_id,
        {{ clean_text('tx_unique_student_id') }} as state_student_id,
        {{ clean_text('course_nbr') }} as course_code,
        {{ clean_text('course_section') }} as section_code,
        upper({{ clean_text('service_id') }}) as state_course_code,

        -- strings
        {{ clean_text('school_year') }} as school_year_text,
        {{ clean_text('course_title') }} as course_title,
        upper({{ clean_text('grade_level') }}) as grade_level_code,
        upper({{ clean_text('semester') }}) as semester_code,
        upper({{ clean_text('final_grade') }}) as final_grade,
        -- the posted grade is either a code (mapped through xwalk_grade_marks) or a 0-100 number
        case
            when {{ try_cast(clean_text('final_grade'), 'decimal(6, 2)') }} is null
                then upper({{ clean_text('final_grade') }})
        end as final_grade_code,
        upper({{ clean_text('dual_credit') }}) as dual_credit_flag,
        upper({{ clean_text('apib') }}) as apib_flag,

        -- numerics
        {{ try_cast(clean_text('final_grade'), 'decimal(6, 2)') }} as final_grade_number,
        {{ clean_text('cycle1') }} as cycle1_text,
        {{ try_cast(clean_text('cycle1'), 'decimal(6, 2)') }} as cycle1_grade,
        {{ clean_text('cycle2') }} as cycle2_text,
        {{ try_cast(clean_text('cycle2'), 'decimal(6, 2)') }} as cycle2_grade,
        {{ clean_text('cycle3') }} as cycle3_text,
        {{ try_cast(clean_text('cycle3'), 'decimal(6, 2)') }} as cycle3_grade,
        {{ clean_text('exam_grade') }} as exam_grade_text,
        {{ try_cast(clean_text('exam_grade'), 'decimal(6, 2)') }} as exam_grade,
        {{ clean_text('sem_avg') }} as semester_average_text,
        {{ try_cast(clean_text('sem_avg'), 'decimal(6, 2)') }} as semester_average,
        {{ clean_text('credit_attempted') }} as credits_attempted_text,
        {{ try_cast(clean_text('credit_attempted'), 'decimal(6, 3)') }} as credits_attempted,
        {{ clean_text('credit_earned') }} as credits_earned_text,
        {{ try_cast(clean_text('credit_earned'), 'decimal(6, 3)') }} as credits_earned,

        -- lineage
        _dataset,
        _source_file,
        _file_sha256,
        _row_number,
        _file_received_at,
        _unclean_columns

    from source

)

select * from renamed
