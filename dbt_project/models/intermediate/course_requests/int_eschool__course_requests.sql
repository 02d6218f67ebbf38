-- eSchool course requests in the common columns. REQUEST_TYPE maps through
-- xwalk_request_types; an alternate must name (ALT_TO_REQUEST) a primary request of the
-- same student and year and carry its order (ALTERNATE_SEQUENCE), which becomes
-- request_rank (0 for a primary). The export has no status: every row is 'requested'.
with

requests as (

    select * from {{ ref('stg_eschool__course_requests') }}

),

request_types as (

    select * from {{ ref('xwalk_request_types') }}

),

accepted_students as (

    {{ accepted_students(ref('int_eschool__students')) }}

),

typed as (

    select
        requests.*,
        {{ spring_school_year('requests.school_year_text') }} as school_year,
        request_types.request_type,
        request_types.is_alternate
    from requests
    {{ xwalk_join('request_types', 'requests', 'request_type_code') }}

),

primary_requests as (

    select distinct
        district_id,
        student_id,
        school_year,
        course_code
    from typed
    where request_type = 'primary'

),

joined as (

    select
        typed.*,
        accepted_students.student_id as accepted_student_id,
        primary_requests.course_code as primary_course_code,
        {{ rows_per_key('typed', ['district_id', 'student_id', 'school_year', 'course_code']) }} as rows_with_key
    from typed
    {{ join_accepted_students('typed') }}
    left join primary_requests
        on
            typed.district_id = primary_requests.district_id
            and typed.student_id = primary_requests.student_id
            and typed.school_year = primary_requests.school_year
            and typed.alternate_to_course_code = primary_requests.course_code

),

final as (

    {{ entity_select('course_requests', 'joined', request_rules({
        'student_id': 'STUDENT_ID', 'school_year': 'SCHOOL_YEAR', 'course_code': 'COURSE',
        'request_type': 'REQUEST_TYPE',
    }, own={'request_type': [unique_key('rows_with_key', 'Student, school year and course')]}) + [
        ("is_alternate and alternate_to_course_code is null", "'An alternate names no ALT_TO_REQUEST'"),
        ("is_alternate and alternate_to_course_code is not null and primary_course_code is null",
            rule_text('ALT_TO_REQUEST', 'alternate_to_course_code',
                ' is not a primary request of the student for the school year')),
        ("is_alternate and (alternate_sequence is null or alternate_sequence < 1)",
            "'ALTERNATE_SEQUENCE of an alternate is not a positive whole number'"),
        ("not is_alternate and (alternate_to_course_code is not null or alternate_sequence_text is not null)",
            "'A primary request carries ALT_TO_REQUEST or ALTERNATE_SEQUENCE'"),
    ], {
    'request_rank': 'case when is_alternate then alternate_sequence when not is_alternate then 0 end',
    'request_status': "'requested'",
}) }}

)

select * from final
