-- eSchool students. CHAR columns (STUDENT_ID, BUILDING, COUNSELOR) arrive right-padded:
-- clean_text trims them so they join.
with

source as (

    {{ latest_good_rows('eschool', 'students') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'eschool' as sis,
        {{ clean_text('student_id') }} as student_id,
        {{ clean_text('state_report_id') }} as state_student_id,
        {{ clean_text('district') }} as sis_district_code,
        {{ clean_text('building') }} as school_id,
        {{ clean_text('counselor') }} as counselor_staff_id,

        -- strings
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('middle_name') }} as middle_name,
        upper({{ clean_text('gender') }}) as gender,
        upper({{ clean_text('grade') }}) as grade_level_code,
        upper({{ clean_text('current_status') }}) as enrollment_status_code,

        -- dates
        {{ clean_text('birthdate') }} as birth_date_text,
        {{ parse_date_mdy(clean_text('birthdate')) }} as birth_date,

        -- numerics
        {{ clean_text('graduation_year') }} as graduation_year_text,
        {{ try_cast(clean_text('graduation_year'), 'integer') }} as graduation_year,

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
