with

source as (

    {{ latest_good_rows('harmony', 'courses') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'harmony' as sis,
        {{ clean_text('campus_id') }} as campus_id,
        {{ clean_text('course_code') }} as course_code,
        upper({{ clean_text('service_id') }}) as state_course_code,

        -- upload
        {{ harmony_snapshot_columns() }},

        -- strings
        {{ clean_text('course_title') }} as course_title,
        upper({{ clean_text('is_ap') }}) as is_ap_code,
        upper({{ clean_text('is_dual_credit') }}) as is_dual_credit_code,
        upper({{ clean_text('is_cte') }}) as is_cte_code,
        upper({{ clean_text('is_honors') }}) as is_honors_code,

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
