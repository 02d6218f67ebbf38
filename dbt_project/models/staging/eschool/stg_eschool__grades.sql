-- eSchool marks: MARK_TYPE is the term; MARK_VALUE a letter code or a 0-100 number,
-- RAW_MARK_VALUE the average behind it.
with

source as (

    {{ latest_good_rows('eschool', 'grades') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'eschool' as sis,
        {{ clean_text('student_id') }} as student_id,
        {{ clean_text('building') }} as school_id,
        {{ clean_text('course') }} as course_code,
        {{ clean_text('course_section') }} as section_code,
        upper({{ clean_text('state_crs_equiv') }}) as state_course_code,

        -- strings
        {{ clean_text('school_year') }} as school_year_text,
        {{ clean_text('marking_period') }} as marking_period,
        upper({{ clean_text('mark_type') }}) as term_code,
        upper({{ clean_text('mark_value') }}) as mark_value,
        -- a mark is either a letter code (mapped through xwalk_grade_marks) or a 0-100 number
        case
            when {{ try_cast(clean_text('mark_value'), 'decimal(6, 2)') }} is null
                then upper({{ clean_text('mark_value') }})
        end as mark_code,

        -- numerics
        {{ try_cast(clean_text('mark_value'), 'decimal(6, 2)') }} as mark_number,
        {{ clean_text('raw_mark_value') }} as raw_mark_text,
        {{ try_cast(clean_text('raw_mark_value'), 'decimal(6, 2)') }} as raw_mark_number,
        {{ clean_text('att_credit') }} as credits_attempted_text,
        {{ try_cast(clean_text('att_credit'), 'decimal(6, 3)') }} as credits_attempted,
        {{ clean_text('earn_credit') }} as credits_earned_text,
        {{ try_cast(clean_text('earn_credit'), 'decimal(6, 3)') }} as credits_earned,

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
