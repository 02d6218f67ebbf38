-- The Ascender STUDENTS export: one row per student. CampusID is normalized to the 3-digit
-- local campus (macros/ascender); the 9-digit state campus id is kept when sent.
with

source as (

    {{ latest_good_rows('ascender', 'students') }}

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

        -- strings
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('middle_name') }} as middle_name,
        {{ clean_text('generation') }} as generation,
        upper({{ clean_text('sex') }}) as gender,
        upper({{ clean_text('grade') }}) as grade_level_code,
        upper({{ clean_text('enroll_status') }}) as enrollment_status_code,

        -- dates
        {{ clean_text('dob') }} as birth_date_text,
        {{ parse_date_mdy(clean_text('dob')) }} as birth_date,
        {{ clean_text('entry_date') }} as entry_date_text,
        {{ parse_date_mdy(clean_text('entry_date')) }} as entry_date,
        {{ clean_text('withdrawal_date') }} as withdrawal_date_text,
        {{ parse_date_mdy(clean_text('withdrawal_date')) }} as withdrawal_date,

        -- numerics
        {{ clean_text('grad_year') }} as graduation_year_text,
        {{ try_cast(clean_text('grad_year'), 'integer') }} as graduation_year,

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
