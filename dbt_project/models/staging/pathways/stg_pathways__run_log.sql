with

source as (

    select * from {{ source('pathways_meta', 'run_log') }}

),

renamed as (

    select
        -- ids
        run_id,
        district_id,

        -- strings
        message,
        command,

        -- timestamps
        started_at,
        ended_at,

        -- numerics
        files_received,
        files_loaded,
        files_failed,
        rows_loaded,
        pid,

        -- codes
        lower(trim(step)) as step,
        lower(trim(status)) as status

    from source

)

select * from renamed
