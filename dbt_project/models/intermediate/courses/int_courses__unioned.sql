-- Course rows of every SIS in the common columns (one row per course listing; dim_course
-- keeps one per district, school year and course code). A new SIS adds its int model here.
with

skyward_sms as (

    select * from {{ ref('int_skyward_sms__courses') }}

),

unioned as (

    select * from skyward_sms

)

select * from unioned
