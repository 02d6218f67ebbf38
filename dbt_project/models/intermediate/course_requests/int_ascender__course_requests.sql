-- Ascender course requests in the common columns, with the row-level rules of DESIGN §7.
-- RequestType maps through xwalk_request_types (P primary, A alternate). An alternate's
-- rank is its AltPriority (1 = first alternate); a primary request has no rank. The export
-- has no status: every row is a student's request.
with

requests as (

    select * from {{ ref('stg_ascender__course_requests') }}

),

{{ rule_context('course_requests', 'ascender', 'requests', lookups=[
    'districts', 'request_types', 'terms', 'accepted_students',
], key=[], columns=['case when is_alternate then alt_priority end as request_rank']) }},

ranked as (

    select
        *,
        {{ rows_per_key('joined', ['district_id', 'student_id', 'school_year', 'course_code', 'request_rank']) }}
            as rows_with_key
    from joined

),

final as (

    {{ entity_select('course_requests', 'ranked', request_rules({
        'student_id': 'StudentID', 'school_year': 'SchoolYear', 'course_code': 'CourseNbr',
        'request_type': 'RequestType',
    }, known_type='P or A', own={
        'student': ascender_campus_checks(),
        'request_type': [
            parses('AltPriority', 'alt_priority_text', 'alt_priority', 'a positive whole number',
                show_value=true, invalid='alt_priority < 1'),
            ("is_alternate and alt_priority_text is null", "'AltPriority is missing on an alternate request'"),
            maps_to('Semester', 'semester_code', 'mapped_semester_code', 'a known term'),
            matches_format('ServiceID', 'state_course_code', 'course', show_value=true),
            unique_key('rows_with_key', 'Student, school year, course and alternate rank'),
        ],
    }), {'request_status': "'requested'"}) }}

)

select * from final
