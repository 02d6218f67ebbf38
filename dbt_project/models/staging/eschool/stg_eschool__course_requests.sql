-- eSchool scheduling requests: primaries and alternates (an alternate names the primary
-- request it stands in for in ALT_TO_REQUEST).
with

source as (

    {{ latest_good_rows('eschool', 'course_requests') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'eschool' as sis,
        {{ clean_text('student_id') }} as student_id,
        {{ clean_text('district') }} as sis_district_code,
        {{ clean_text('building') }} as school_id,
        {{ clean_text('course') }} as course_code,
        {{ clean_text('alt_to_request') }} as alternate_to_course_code,

        -- strings
        {{ clean_text('school_year') }} as school_year_text,
        upper({{ clean_text('request_type') }}) as request_type_code,

        -- numerics
        {{ clean_text('alternate_sequence') }} as alternate_sequence_text,
        {{ try_cast(clean_text('alternate_sequence'), 'integer') }} as alternate_sequence,

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
