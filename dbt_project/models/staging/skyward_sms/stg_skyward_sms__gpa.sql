with

source as (

    {{ latest_good_rows('skyward_sms', 'gpa') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'skyward_sms' as sis,
        {{ clean_text('other_id') }} as student_id,
        {{ clean_text('name_id') }} as sis_person_id,
        {{ clean_text('entity_id') }} as school_id,

        -- strings
        {{ clean_text('school_year') }} as school_year_text,
        upper({{ clean_text('gpa_type') }}) as gpa_type_code,

        -- numerics
        {{ clean_text('gpa') }} as gpa_text,
        {{ try_cast(clean_text('gpa'), 'decimal(8, 4)') }} as gpa_value,
        {{ clean_text('gpa_scale') }} as gpa_scale_text,
        {{ try_cast(clean_text('gpa_scale'), 'decimal(8, 4)') }} as scale_max,
        {{ clean_text('credits') }} as credits_text,
        {{ try_cast(clean_text('credits'), 'decimal(8, 3)') }} as credits,
        {{ clean_text('class_rank') }} as class_rank_text,
        {{ try_cast(clean_text('class_rank'), 'integer') }} as class_rank,
        {{ clean_text('class_size') }} as class_size_text,
        {{ try_cast(clean_text('class_size'), 'integer') }} as class_size,

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
