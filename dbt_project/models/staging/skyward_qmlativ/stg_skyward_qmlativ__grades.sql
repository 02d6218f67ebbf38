with

source as (

    {{ latest_good_rows('skyward_qmlativ', 'grades') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'skyward_qmlativ' as sis,
        {{ clean_text('student_number') }} as student_id,
        {{ clean_text('entity_code') }} as school_id,
        {{ clean_text('course_code') }} as course_code,
        {{ clean_text('section_code') }} as section_code,

        -- strings
        {{ clean_text('school_year') }} as school_year_text,
        upper({{ clean_text('grading_period') }}) as term_code,
        upper({{ clean_text('grade_mark') }}) as grade_mark,
        -- a mark is either a letter code (mapped through xwalk_grade_marks) or a 0-100 number
        case
            when {{ try_cast(clean_text('grade_mark'), 'decimal(6, 2)') }} is null
                then upper({{ clean_text('grade_mark') }})
        end as grade_mark_code,

        -- numerics
        {{ try_cast(clean_text('grade_mark'), 'decimal(6, 2)') }} as grade_mark_number,
        {{ clean_text('percent') }} as percent_text,
        {{ try_cast(clean_text('percent'), 'decimal(6, 2)') }} as percent_grade,
        {{ clean_text('attempted_credits') }} as credits_attempted_text,
        {{ try_cast(clean_text('attempted_credits'), 'decimal(6, 3)') }} as credits_attempted,
        {{ clean_text('earned_credits') }} as credits_earned_text,
        {{ try_cast(clean_text('earned_credits'), 'decimal(6, 3)') }} as credits_earned,

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
