with

source as (

    {{ latest_good_rows('harmony', 'students') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'harmony' as sis,
        {{ clean_text('student_id') }} as student_id,
        {{ clean_text('state_id') }} as state_student_id,
        {{ clean_text('campus_id') }} as campus_id,
        {{ clean_text('counselor_id') }} as counselor_staff_id,

        -- upload
        {{ harmony_snapshot_columns() }},

        -- strings
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('middle_name') }} as middle_name,
        {{ clean_text('last_name') }} as last_name,
        upper({{ clean_text('gender') }}) as gender,
        upper({{ clean_text('grade_level') }}) as grade_level_code,
        upper({{ clean_text('enrollment_status') }}) as enrollment_status_code,

        -- dates
        {{ clean_text('birth_date') }} as birth_date_text,
        {{ parse_date_iso(clean_text('birth_date')) }} as birth_date,

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
