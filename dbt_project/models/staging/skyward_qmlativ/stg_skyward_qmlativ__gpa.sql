with

source as (

    {{ latest_good_rows('skyward_qmlativ', 'gpa') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'skyward_qmlativ' as sis,
        {{ clean_text('student_number') }} as student_id,

        -- strings
        {{ clean_text('school_year') }} as school_year_text,
        upper({{ clean_text('gpa_method') }}) as gpa_type_code,

        -- numerics
        {{ clean_text('gpa') }} as gpa_text,
        {{ try_cast(clean_text('gpa'), 'decimal(8, 4)') }} as gpa_value,
        {{ clean_text('gpa_credits') }} as credits_text,
        {{ try_cast(clean_text('gpa_credits'), 'decimal(8, 3)') }} as credits,
        {{ clean_text('rank') }} as class_rank_text,
        {{ try_cast(clean_text('rank'), 'integer') }} as class_rank,
        {{ clean_text('out_of') }} as class_size_text,
        {{ try_cast(clean_text('out_of'), 'integer') }} as class_size,

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
