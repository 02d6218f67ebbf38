with

source as (

    select * from {{ source('pathways_meta', 'parse_rejects') }}

),

renamed as (

    select
        -- ids
        district_id,
        sis,
        dataset,
        file_sha256,
        load_id,

        -- strings
        file_name,
        column_name,
        error_type,
        error_message,

        -- numerics
        line_number

    -- raw_line is PII and is deliberately not carried past the source.
    from source

)

select * from renamed
