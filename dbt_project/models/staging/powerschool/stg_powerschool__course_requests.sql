with

source as (

    {{ latest_good_rows('powerschool', 'course_requests') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'powerschool' as sis,
        -- STUDENTS.ID of the student, not the student number (int_powerschool__course_requests translates it)
        {{ clean_text('studentid') }} as powerschool_student_id,
        {{ clean_text('schoolid') }} as school_id,
        {{ clean_text('coursenumber') }} as course_code,

        -- strings
        -- YEARID: school-year start - 1990 (35 = 2025-26)
        {{ clean_text('yearid') }} as school_year_text,
        -- the query reads no alternate flag: every row is a primary request (xwalk_request_types)
        'PRIMARY' as request_type_code,

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
