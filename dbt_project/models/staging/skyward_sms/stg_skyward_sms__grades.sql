with

source as (

    {{ latest_good_rows('skyward_sms', 'grades') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'skyward_sms' as sis,
        {{ clean_text('other_id') }} as student_id,
        {{ clean_text('name_id') }} as sis_person_id,
        {{ clean_text('entity_id') }} as school_id,
        {{ clean_text('course_key') }} as course_code,
        {{ clean_text('section') }} as section_code,
        upper({{ clean_text('state_course_code') }}) as state_course_code,

        -- strings
        {{ clean_text('school_year') }} as school_year_text,
        {{ clean_text('course_description') }} as course_title,
        upper({{ clean_text('term') }}) as term_code,
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
