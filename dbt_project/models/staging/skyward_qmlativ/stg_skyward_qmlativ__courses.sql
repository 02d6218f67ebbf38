with

source as (

    {{ latest_good_rows('skyward_qmlativ', 'courses') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'skyward_qmlativ' as sis,
        {{ clean_text('entity_code') }} as school_id,
        {{ clean_text('course_code') }} as course_code,
        upper({{ clean_text('state_course_code') }}) as state_course_code,

        -- strings
        {{ clean_text('school_year') }} as school_year_text,
        {{ clean_text('description') }} as course_title,
        {{ clean_text('is_honors') }} as is_honors_text,

        -- booleans
        {{ parse_boolean(clean_text('is_honors')) }} as is_honors,

        -- numerics
        {{ clean_text('earned_credits') }} as credits_text,
        {{ try_cast(clean_text('earned_credits'), 'decimal(6, 3)') }} as credits,

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
