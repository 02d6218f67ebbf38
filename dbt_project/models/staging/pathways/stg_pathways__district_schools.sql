with

source as (

    select * from {{ source('pathways_meta', 'district_schools') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('district_id') }} as district_id,
        {{ clean_text('school_id') }} as school_id,
        {{ clean_text('state_school_id') }} as state_school_id,

        -- strings
        {{ clean_text('school_name') }} as school_name,
        upper({{ clean_text('grade_low') }}) as grade_low_code,
        upper({{ clean_text('grade_high') }}) as grade_high_code

    from source

)

select * from renamed
