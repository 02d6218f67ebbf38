with

source as (

    {{ latest_good_rows('powerschool', 'courses') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'powerschool' as sis,
        {{ clean_text('course_number') }} as course_code,
        upper({{ clean_text('alt_course_number') }}) as state_course_code,

        -- strings
        {{ clean_text('course_name') }} as course_title,

        -- numerics
        {{ clean_text('credit_hours') }} as credits_text,
        {{ try_cast(clean_text('credit_hours'), 'decimal(6, 3)') }} as credits,

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
