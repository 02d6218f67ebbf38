with

source as (

    {{ latest_good_rows('powerschool', 'gpa') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'powerschool' as sis,
        -- STUDENTS.ID of the student, not the student number (int_powerschool__gpa translates it)
        {{ clean_text('studentid') }} as powerschool_student_id,

        -- strings
        -- YEARID: school-year start - 1990 (35 = 2025-26)
        {{ clean_text('yearid') }} as school_year_text,
        upper({{ clean_text('gpamethod') }}) as gpa_type_code,

        -- numerics
        -- the GPA arrives as text (`3.8571`)
        {{ clean_text('gpa') }} as gpa_text,
        {{ try_cast(clean_text('gpa'), 'decimal(8, 4)') }} as gpa_value,
        {{ clean_text('rank') }} as class_rank_text,
        {{ try_cast(clean_text('rank'), 'integer') }} as class_rank,
        {{ clean_text('outof') }} as class_size_text,
        {{ try_cast(clean_text('outof'), 'integer') }} as class_size,

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
