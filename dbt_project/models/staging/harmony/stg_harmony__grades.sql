with

source as (

    {{ latest_good_rows('harmony', 'grades') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'harmony' as sis,
        {{ clean_text('student_id') }} as student_id,
        {{ clean_text('campus_id') }} as campus_id,
        {{ clean_text('course_code') }} as course_code,
        {{ clean_text('section_code') }} as section_code,
        upper({{ clean_text('service_id') }}) as state_course_code,

        -- upload
        {{ harmony_snapshot_columns() }},

        -- strings
        {{ clean_text('school_year') }} as school_year_text,
        upper({{ clean_text('grading_period') }}) as term_code,
        {{ clean_text('course_title') }} as course_title,
        upper({{ clean_text('grade_level') }}) as grade_level_code,
        upper({{ clean_text('letter_grade') }}) as letter_grade_code,

        -- numerics
        {{ clean_text('numeric_grade') }} as numeric_grade_text,
        {{ try_cast(clean_text('numeric_grade'), 'decimal(6, 2)') }} as numeric_grade,
        {{ clean_text('credits_attempted') }} as credits_attempted_text,
        {{ try_cast(clean_text('credits_attempted'), 'decimal(6, 3)') }} as credits_attempted,
        {{ clean_text('credits_earned') }} as credits_earned_text,
        {{ try_cast(clean_text('credits_earned'), 'decimal(6, 3)') }} as credits_earned,

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
