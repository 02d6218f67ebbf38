with

source as (

    {{ latest_good_rows('skyward_sms', 'students') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'skyward_sms' as sis,
        {{ clean_text('other_id') }} as student_id,
        {{ clean_text('name_id') }} as sis_person_id,
        {{ clean_text('state_id') }} as state_student_id,
        {{ clean_text('entity_id') }} as school_id,
        {{ clean_text('counselor_id') }} as counselor_staff_id,

        -- strings
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('middle_name') }} as middle_name,
        upper({{ clean_text('gender') }}) as gender,
        upper({{ clean_text('grade') }}) as grade_level_code,
        upper({{ clean_text('status') }}) as enrollment_status_code,

        -- dates
        {{ clean_text('birth_date') }} as birth_date_text,
        {{ parse_date_mdy(clean_text('birth_date')) }} as birth_date,

        -- numerics
        {{ clean_text('grad_yr') }} as graduation_year_text,
        {{ try_cast(clean_text('grad_yr'), 'integer') }} as graduation_year,

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
