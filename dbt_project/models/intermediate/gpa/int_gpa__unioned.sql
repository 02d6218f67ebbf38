-- GPA rows of every SIS in the common columns. A new SIS adds its int model here.
with

skyward_sms as (

    select * from {{ ref('int_skyward_sms__gpa') }}

),

unioned as (

    select * from skyward_sms

)

select * from unioned
