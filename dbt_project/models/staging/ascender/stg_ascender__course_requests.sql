-- The Ascender REQUESTS export: a student's course requests for the next school year,
-- primary (RequestType P) and alternates (A, ranked by AltPriority).
with

source as (

    {{ latest_good_rows('ascender', 'requests') }}

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
        {{ clean_text('course_nbr') }} as course_code,
        upper({{ clean_text('service_id') }}) as state_course_code,

        -- strings
        {{ clean_text('school_year') }} as school_year_text,
        {{ clean_text('course_title') }} as course_title,
        upper({{ clean_text('request_type') }}) as request_type_code,
        upper({{ clean_text('semester') }}) as semester_code,

        -- numerics
        {{ clean_text('alt_priority') }} as alt_priority_text,
        {{ try_cast(clean_text('alt_priority'), 'integer') }} as alt_priority,

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
