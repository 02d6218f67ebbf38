-- The Ascender COURSES export: one row per campus, school year and course number.
with

source as (

    {{ latest_good_rows('ascender', 'courses') }}

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
        {{ clean_text('course_nbr') }} as course_code,
        upper({{ clean_text('service_id') }}) as state_course_code,

        -- strings
        {{ clean_text('school_year') }} as school_year_text,
        {{ clean_text('course_title') }} as course_title,

        -- numerics
        {{ clean_text('credits') }} as credits_text,
        {{ try_cast(clean_text('credits'), 'decimal(6, 3)') }} as credits,

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
