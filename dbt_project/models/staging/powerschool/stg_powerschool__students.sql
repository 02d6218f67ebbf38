with

source as (

    {{ latest_good_rows('powerschool', 'students') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'powerschool' as sis,
        {{ clean_text('student_number') }} as student_id,
        -- STUDENTS.ID: what the other queries reference as STUDENTID (not the student number)
        {{ clean_text('id') }} as powerschool_student_id,
        {{ clean_text('state_studentnumber') }} as state_student_id,
        {{ clean_text('schoolid') }} as school_id,

        -- strings
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('middle_name') }} as middle_name,
        upper({{ clean_text('gender') }}) as gender,
        -- a number, negative for pre-K, mapped through xwalk_grade_levels
        {{ clean_text('grade_level') }} as grade_level_code,
        -- -1, 0, 1, 2, 3, mapped through xwalk_enrollment_statuses
        {{ clean_text('enroll_status') }} as enrollment_status_code,

        -- dates
        {{ clean_text('dob') }} as birth_date_text,
        {{ parse_date_iso(clean_text('dob')) }} as birth_date,

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
