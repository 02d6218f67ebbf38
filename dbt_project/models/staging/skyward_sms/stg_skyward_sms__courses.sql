-- The SkyBuild course crosswalk (file without a header row): one row per building and course key.
with

source as (

    {{ latest_good_rows('skyward_sms', 'course_crosswalk') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'skyward_sms' as sis,
        {{ clean_text('entity_id') }} as school_id,
        {{ clean_text('course_key') }} as course_code,
        upper({{ clean_text('state_course_code') }}) as state_course_code,

        -- strings
        {{ clean_text('course_description') }} as course_title,

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
