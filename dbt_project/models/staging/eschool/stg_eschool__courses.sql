-- eSchool course catalog: one row per school year, building and course. A Download Manager
-- DESCRIPTION may hold a line break; it is kept (trim only strips the padding).
with

source as (

    {{ latest_good_rows('eschool', 'courses') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'eschool' as sis,
        {{ clean_text('building') }} as school_id,
        {{ clean_text('course') }} as course_code,
        upper({{ clean_text('state_code') }}) as state_course_code,

        -- strings
        {{ clean_text('school_year') }} as school_year_text,
        {{ clean_text('description') }} as course_title,

        -- numerics
        {{ clean_text('credit') }} as credits_text,
        {{ try_cast(clean_text('credit'), 'decimal(6, 3)') }} as credits,

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
