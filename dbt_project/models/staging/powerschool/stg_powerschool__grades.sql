with

source as (

    {{ latest_good_rows('powerschool', 'grades') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'powerschool' as sis,
        -- STUDENTS.ID of the student, not the student number (int_powerschool__grades translates it)
        {{ clean_text('studentid') }} as powerschool_student_id,
        {{ clean_text('schoolid') }} as school_id,
        {{ clean_text('course_number') }} as course_code,
        {{ clean_text('sectionid') }} as section_code,

        -- strings
        -- TERMID = YEARID x 100 + n: it carries the school year (3501 = 2025-26)
        {{ clean_text('termid') }} as school_year_text,
        upper({{ clean_text('storecode') }}) as term_code,
        {{ clean_text('grade_level') }} as grade_level_code,
        upper({{ clean_text('grade') }}) as grade_mark,
        -- a mark is either a letter code (mapped through xwalk_grade_marks) or a 0-100 number
        case
            when {{ try_cast(clean_text('grade'), 'decimal(6, 2)') }} is null
                then upper({{ clean_text('grade') }})
        end as grade_mark_code,

        -- numerics
        {{ try_cast(clean_text('grade'), 'decimal(6, 2)') }} as grade_mark_number,
        {{ clean_text('percent') }} as percent_text,
        {{ try_cast(clean_text('percent'), 'decimal(6, 2)') }} as percent_grade,
        {{ clean_text('gpa_points') }} as gpa_points_text,
        {{ try_cast(clean_text('gpa_points'), 'decimal(6, 3)') }} as gpa_points,
        {{ clean_text('potentialcrhrs') }} as credits_attempted_text,
        {{ try_cast(clean_text('potentialcrhrs'), 'decimal(6, 3)') }} as credits_attempted,
        {{ clean_text('earnedcrhrs') }} as credits_earned_text,
        {{ try_cast(clean_text('earnedcrhrs'), 'decimal(6, 3)') }} as credits_earned,

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
