-- PowerSchool course requests (SCHEDULEREQUESTS) in the common columns, with the row-level
-- rules of DESIGN §7. STUDENTID is STUDENTS.ID: it becomes the student number through the
-- students data (powerschool_student_numbers). YEARID is the school-year start - 1990. The
-- query reads no alternate flag and no status: every row is a primary, requested course.
with

requests as (

    select * from {{ ref('stg_powerschool__course_requests') }}

),

{{ powerschool_student_numbers() }},

with_student_numbers as (

    {{ powerschool_with_student_numbers('requests', powerschool_school_year('requests.school_year_text')) }}

),

{{ rule_context(
    'course_requests', 'powerschool', 'with_student_numbers', lookups=['request_types'], school_year=false,
) }},

final as (

    {{ entity_select('course_requests', 'joined', request_rules({
        'student_id': 'STUDENTID', 'school_year': 'YEARID', 'course_code': 'COURSENUMBER',
        'request_type': 'request type',
    }, key_words='Student, school year and course', own={'student': [powerschool_known_student()]}), {
        'student_id': 'student_number', 'request_rank': none, 'request_status': "'requested'",
    }) }}

)

select * from final
