with

source as (

    {{ latest_good_rows('skyward_qmlativ', 'course_requests') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'skyward_qmlativ' as sis,
        {{ clean_text('student_number') }} as student_id,
        {{ clean_text('entity_code') }} as school_id,
        {{ clean_text('course_code') }} as course_code,

        -- strings
        {{ clean_text('school_year') }} as school_year_text,
        -- `True` / `False`, mapped through xwalk_request_types
        upper({{ clean_text('is_alternate') }}) as request_type_code,
        upper({{ clean_text('request_status') }}) as request_status_code,

        -- numerics
        {{ clean_text('alternate_rank') }} as alternate_rank_text,
        {{ try_cast(clean_text('alternate_rank'), 'integer') }} as alternate_rank,
        {{ clean_text('earned_credits_requested') }} as credits_requested_text,
        {{ try_cast(clean_text('earned_credits_requested'), 'decimal(6, 3)') }} as credits_requested,

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
