with

source as (

    {{ latest_good_rows('skyward_qmlativ', 'students') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'skyward_qmlativ' as sis,
        {{ clean_text('student_number') }} as student_id,
        {{ clean_text('student_test_number') }} as state_student_id,
        {{ clean_text('entity_code') }} as school_id,
        {{ clean_text('counselor_staff_number') }} as counselor_staff_id,

        -- strings
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('middle_name') }} as middle_name,
        upper({{ clean_text('gender') }}) as gender,
        upper({{ clean_text('grade') }}) as grade_level_code,
        {{ clean_text('school_year') }} as school_year_text,
        -- `True` / `False`, mapped through xwalk_enrollment_statuses
        upper({{ clean_text('is_active') }}) as enrollment_status_code,

        -- dates
        {{ clean_text('birth_date') }} as birth_date_text,
        {{ parse_date_mdy(clean_text('birth_date')) }} as birth_date,

        -- numerics
        {{ clean_text('grade_numeric') }} as grade_numeric_text,
        {{ try_cast(clean_text('grade_numeric'), 'integer') }} as grade_numeric,

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
