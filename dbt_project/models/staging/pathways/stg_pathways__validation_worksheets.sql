with

source as (

    select * from {{ source('pathways_meta', 'validation_worksheets') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('district_id') }} as district_id,
        {{ clean_text('school_id') }} as school_id,

        -- strings
        {{ clean_text('dataset') }} as dataset,
        upper({{ clean_text('grade_level') }}) as grade_level,
        source_file,

        -- numerics
        cast(expected_count as {{ dbt.type_bigint() }}) as expected_count,
        cast(tolerance_pct as {{ dbt.type_numeric() }}) as tolerance_pct,
        cast(line_number as {{ dbt.type_bigint() }}) as line_number

    from source

)

select * from renamed
