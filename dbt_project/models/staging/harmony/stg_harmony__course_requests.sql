with

source as (

    {{ latest_good_rows('harmony', 'course_requests') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'harmony' as sis,
        {{ clean_text('student_id') }} as student_id,
        {{ clean_text('campus_id') }} as campus_id,
        {{ clean_text('course_code') }} as course_code,

        -- upload
        {{ harmony_snapshot_columns() }},

        -- strings
        {{ clean_text('school_year') }} as school_year_text,
        upper({{ clean_text('request_type') }}) as request_type_code,
        upper({{ clean_text('request_status') }}) as request_status_code,

        -- numerics
        {{ clean_text('request_rank') }} as request_rank_text,
        {{ try_cast(clean_text('request_rank'), 'integer') }} as request_rank,

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
