-- Texas industry-based certifications (the `ibc` Data Mining export; Texas districts only).
with

source as (

    {{ latest_good_rows('skyward_sms', 'ibc') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'skyward_sms' as sis,
        {{ clean_text('other_id') }} as student_id,
        {{ clean_text('state_id') }} as state_student_id,
        upper({{ clean_text('certification_code') }}) as certification_code,

        -- strings
        {{ clean_text('certification_description') }} as certification_name,
        {{ clean_text('result') }} as result,
        {{ clean_text('vendor') }} as vendor,

        -- dates
        {{ clean_text('date_earned') }} as earned_date_text,
        {{ parse_date_mdy(clean_text('date_earned')) }} as earned_date,

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
