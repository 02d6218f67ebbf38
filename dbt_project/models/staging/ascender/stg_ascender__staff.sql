-- The Ascender TEACHERS export: one row per staff member (teachers, counselors,
-- administrators and other staff, told apart by Role).
with

source as (

    {{ latest_good_rows('ascender', 'teachers') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'ascender' as sis,
        {{ clean_text('district_id') }} as district_cdn,
        {{ clean_text('employee_id') }} as staff_id,
        {{ clean_text('tx_unique_staff_id') }} as state_staff_id,
        {{ clean_text('campus_id') }} as campus_id_text,
        {{ ascender_school_id('campus_id') }} as school_id,
        {{ ascender_state_school_id('campus_id') }} as state_school_id,

        -- strings
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('first_name') }} as first_name,
        lower({{ clean_text('email') }}) as email,
        upper({{ clean_text('role') }}) as staff_role_code,

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
