-- eSchool course requests in the common columns. REQUEST_TYPE maps through
-- xwalk_request_types; an alternate must name (ALT_TO_REQUEST) a primary request of the
-- same student and year and carry its order (ALTERNATE_SEQUENCE), which becomes
-- request_rank (0 for a primary). The export has no status: every row is 'requested'.
with

requests as (

    select * from {{ ref('stg_eschool__course_requests') }}

),

{{ rule_context('course_requests', 'eschool', 'requests') }},

primary_requests as (

    select distinct
        district_id,
        student_id,
        school_year,
        course_code
    from joined
    where request_type = 'primary'

),

with_primary as (

    select
        joined.*,
        primary_requests.course_code as primary_course_code
    from joined
    left join primary_requests
        on
            joined.district_id = primary_requests.district_id
            and joined.student_id = primary_requests.student_id
            and joined.school_year = primary_requests.school_year
            and joined.alternate_to_course_code = primary_requests.course_code

),

final as (

    {{ entity_select('course_requests', 'with_primary', request_rules({
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
