-- The Ascender IBC export: Texas industry-based certifications students earned.
with

source as (

    {{ latest_good_rows('ascender', 'ibc') }}

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
        {{ clean_text('tx_unique_student_id') }} as state_student_id,
        upper({{ clean_text('certification_code') }}) as certification_code,
        {{ clean_text('vendor_nbr') }} as vendor,

        -- strings
        {{ clean_text('certification_description') }} as certification_name,
        {{ clean_text('result') }} as result,

        -- dates
        {{ clean_text('date_earned') }} as earned_date_text,
        {{ parse_date_mdy(clean_text('date_earned')) }} as earned_date,

        -- numerics
        {{ clean_text('exam_fee') }} as exam_fee_text,
        {{ try_cast(clean_text('exam_fee'), 'decimal(8, 2)') }} as exam_fee,

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
