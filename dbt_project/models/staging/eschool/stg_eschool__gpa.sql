-- eSchool GPA: cumulative (CUM_GPA) and the run year's own (CUR_GPA) GPA of one district
-- GPA type, through the run term (RUN_TERM_YEAR) of a school year.
with

source as (

    {{ latest_good_rows('eschool', 'gpa') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'eschool' as sis,
        {{ clean_text('student_id') }} as student_id,
        {{ clean_text('building') }} as school_id,

        -- strings
        {{ clean_text('school_year') }} as school_year_text,
        upper({{ clean_text('run_term_year') }}) as run_term_code,
        upper({{ clean_text('gpa_type') }}) as gpa_type_code,

        -- numerics
        {{ clean_text('cur_gpa') }} as current_gpa_text,
        {{ try_cast(clean_text('cur_gpa'), 'decimal(8, 4)') }} as current_gpa_value,
        {{ clean_text('cum_gpa') }} as gpa_text,
        {{ try_cast(clean_text('cum_gpa'), 'decimal(8, 4)') }} as gpa_value,
        {{ clean_text('cum_att_credit') }} as credits_attempted_text,
        {{ try_cast(clean_text('cum_att_credit'), 'decimal(8, 3)') }} as credits_attempted,
        {{ clean_text('cum_earn_credit') }} as credits_text,
        {{ try_cast(clean_text('cum_earn_credit'), 'decimal(8, 3)') }} as credits,
        {{ clean_text('cum_rank') }} as class_rank_text,
        {{ try_cast(clean_text('cum_rank'), 'integer') }} as class_rank,
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
