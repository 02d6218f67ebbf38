-- PowerSchool course requests (SCHEDULEREQUESTS) in the common columns, with the row-level
-- rules of DESIGN §7. STUDENTID is STUDENTS.ID: it becomes the student number through the
-- students data (powerschool_student_numbers). YEARID is the school-year start - 1990. The
-- query reads no alternate flag and no status: every row is a primary, requested course.
with

requests as (

    select * from {{ ref('stg_powerschool__course_requests') }}

),

request_types as (

    select * from {{ ref('xwalk_request_types') }}

),

{{ powerschool_student_numbers() }},

with_student_numbers as (

    {{ powerschool_with_student_numbers('requests', powerschool_school_year('requests.school_year_text')) }}

),

joined as (

    select
        with_student_numbers.*,
        request_types.request_type,
        request_types.is_alternate,
        {{ rows_per_key('with_student_numbers', ['district_id', 'student_id', 'school_year', 'course_code']) }}
            as rows_with_key
    from with_student_numbers
    {{ xwalk_join('request_types', 'with_student_numbers', 'request_type_code') }}

),

final as (

    {{ entity_select('course_requests', 'joined', request_rules({
        'student_id': 'STUDENTID', 'school_year': 'YEARID', 'course_code': 'COURSENUMBER',
        'request_type': 'request type',
    }, key_words='Student, school year and course', own={'student': [powerschool_known_student()]}), {
        'student_id': 'student_number', 'request_rank': none, 'request_status': "'requested'",
    }) }}

)

select * from final
