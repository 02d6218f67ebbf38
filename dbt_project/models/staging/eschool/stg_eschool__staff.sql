-- eSchool staff. The role comes from two Y/N flags; `staff_role_code` joins them
-- ('IS_TEACHER/IS_COUNSELOR', e.g. 'Y/N') for the xwalk_staff_roles lookup.
with

source as (

    {{ latest_good_rows('eschool', 'staff') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'eschool' as sis,
        {{ clean_text('staff_id') }} as staff_id,
        {{ clean_text('staff_state_id') }} as state_staff_id,
        {{ clean_text('building') }} as school_id,

        -- strings
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('email') }} as email,
        upper({{ clean_text('is_teacher') }}) as is_teacher_code,
        upper({{ clean_text('is_counselor') }}) as is_counselor_code,
        {{ dbt.concat([
            "upper(" ~ clean_text('is_teacher') ~ ")",
            "'/'",
            "upper(" ~ clean_text('is_counselor') ~ ")",
        ]) }} as staff_role_code,
        upper({{ clean_text('active') }}) as active_code,

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
