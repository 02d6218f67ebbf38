with

source as (

    {{ latest_good_rows('skyward_qmlativ', 'staff') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'skyward_qmlativ' as sis,
        {{ clean_text('staff_number') }} as staff_id,
        {{ clean_text('entity_code') }} as school_id,

        -- strings
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('email') }} as email,
        {{ clean_text('is_teacher') }} as is_teacher_text,
        {{ clean_text('is_counselor') }} as is_counselor_text,
        -- the two flags as one code (`TRUE|FALSE` = teacher only), mapped through
        -- xwalk_staff_roles; NULL when either flag is missing
        upper({{ dbt.concat([clean_text('is_teacher'), "'|'", clean_text('is_counselor')]) }}) as staff_role_code,

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
