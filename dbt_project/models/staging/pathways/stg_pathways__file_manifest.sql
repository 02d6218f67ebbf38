with

source as (

    select * from {{ source('pathways_meta', 'file_manifest') }}

),

renamed as (

    select
        -- ids
        district_id,
        sis,
        dataset,
        file_sha256,
        load_id,
        run_id,

        -- strings
        file_name,
        remote_path,
        encoding,
        delimiter,
        reason,

        -- dates
        file_date,

        -- timestamps
        file_modified_at,
        received_at,

        -- numerics
        size_bytes,
        data_lines,
        rows_loaded,
        rows_unparseable,

        -- codes
        lower(trim(status)) as status

    from source

)

select * from renamed
