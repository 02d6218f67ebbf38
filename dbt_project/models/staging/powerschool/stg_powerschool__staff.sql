with

source as (

    {{ latest_good_rows('powerschool', 'staff') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'powerschool' as sis,
        {{ clean_text('teachernumber') }} as staff_id,
        {{ clean_text('homeschoolid') }} as school_id,

        -- strings
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('email_addr') }} as email,
        -- SCHOOLSTAFF.STATUS: 1 active, 2 inactive
        {{ clean_text('status') }} as staff_status_code,
        -- SCHOOLSTAFF.STAFFSTATUS, mapped through xwalk_staff_roles
        {{ clean_text('staffstatus') }} as staff_role_code,

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
