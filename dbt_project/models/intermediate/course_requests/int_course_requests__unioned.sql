-- Course requests of every SIS in the common columns. No SIS sends course requests yet
-- (Skyward SMS has no request export): a typed, empty relation with the full column list,
-- so fct_course_request and its tests exist. A SIS that sends requests adds its ref here.
with

unioned as (

    select
        cast(null as {{ dbt.type_string() }}) as k_course_request,
        cast(null as {{ dbt.type_string() }}) as k_student,
        cast(null as {{ dbt.type_string() }}) as k_course,
        cast(null as {{ dbt.type_string() }}) as district_id,
        cast(null as {{ dbt.type_string() }}) as sis,
        cast(null as {{ dbt.type_string() }}) as student_id,
        cast(null as {{ dbt.type_int() }}) as school_year,
        cast(null as {{ dbt.type_string() }}) as course_code,
        cast(null as {{ dbt.type_int() }}) as request_rank,
        cast(null as boolean) as is_alternate,
        cast(null as {{ dbt.type_string() }}) as request_status,
        cast(null as {{ dbt.type_string() }}) as school_id,
        cast(null as {{ dbt.type_string() }}) as rejection_reason,
        cast(null as {{ dbt.type_string() }}) as _dataset,
        cast(null as {{ dbt.type_string() }}) as _source_file,
        cast(null as {{ dbt.type_string() }}) as _file_sha256,
        cast(null as {{ dbt.type_bigint() }}) as _row_number
    where 1 = 0

)

select * from unioned
