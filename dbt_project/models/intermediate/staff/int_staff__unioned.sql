-- Staff of every SIS in the common columns. No SIS sends staff yet (Skyward SMS has no
-- staff export): a typed, empty relation with the full column list, so dim_staff and its
-- tests exist. A SIS that sends staff adds its int model here with `union all`.
with

unioned as (

    select
        cast(null as {{ dbt.type_string() }}) as k_staff,
        cast(null as {{ dbt.type_string() }}) as k_school,
        cast(null as {{ dbt.type_string() }}) as district_id,
        cast(null as {{ dbt.type_string() }}) as sis,
        cast(null as {{ dbt.type_string() }}) as staff_id,
        cast(null as {{ dbt.type_string() }}) as state_staff_id,
        cast(null as {{ dbt.type_string() }}) as last_name,
        cast(null as {{ dbt.type_string() }}) as first_name,
        cast(null as {{ dbt.type_string() }}) as email,
        cast(null as {{ dbt.type_string() }}) as school_id,
        cast(null as {{ dbt.type_string() }}) as staff_role,
        cast(null as {{ dbt.type_string() }}) as rejection_reason,
        cast(null as {{ dbt.type_string() }}) as _dataset,
        cast(null as {{ dbt.type_string() }}) as _source_file,
        cast(null as {{ dbt.type_string() }}) as _file_sha256,
        cast(null as {{ dbt.type_bigint() }}) as _row_number
    where 1 = 0

)

select * from unioned
