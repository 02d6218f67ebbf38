with

source as (

    select * from {{ source('pathways_meta', 'file_releases') }}

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
        released_by,
        note,

        -- timestamps
        released_at

    from source

)

select * from renamed
