with

source as (

    select * from {{ source('pathways_meta', 'districts') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('district_id') }} as district_id,
        {{ clean_text('state_district_id') }} as state_district_id,

        -- strings
        {{ clean_text('name') }} as district_name,
        upper({{ clean_text('state') }}) as state,
        lower({{ clean_text('sis') }}) as sis,
        lower({{ clean_text('transfer_method') }}) as transfer_method,
        lower({{ clean_text('status') }}) as district_status,
        {{ clean_text('timezone') }} as timezone

    from source

)

select * from renamed
