-- teachers.csv: teachers, counselors and administrators of the term's snapshot.
with

source as (

    {{ latest_good_rows('harmony', 'teachers') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'harmony' as sis,
        {{ clean_text('staff_id') }} as staff_id,
        {{ clean_text('state_staff_id') }} as state_staff_id,
        {{ clean_text('campus_id') }} as campus_id,

        -- upload
        {{ harmony_snapshot_columns() }},

        -- strings
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('email') }} as email,
        upper({{ clean_text('role') }}) as role_code,

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
