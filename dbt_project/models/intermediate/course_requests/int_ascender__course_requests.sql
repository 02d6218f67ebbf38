-- Ascender course requests in the common columns, with the row-level rules of DESIGN §7.
-- RequestType maps through xwalk_request_types (P primary, A alternate). An alternate's
-- rank is its AltPriority (1 = first alternate); a primary request has no rank. The export
-- has no status: every row is a student's request.
with

requests as (

    select * from {{ ref('stg_ascender__course_requests') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

request_types as (

    select * from {{ ref('xwalk_request_types') }}

),

terms as (

    select * from {{ ref('xwalk_terms') }}

),

accepted_students as (

    {{ accepted_students(ref('int_ascender__students')) }}

),

with_rank as (

    select
        requests.*,
        {{ spring_school_year('requests.school_year_text') }} as school_year,
        request_types.request_type,
        request_types.is_alternate,
        case when request_types.is_alternate then requests.alt_priority end as request_rank
    from requests
    {{ xwalk_join('request_types', 'requests', 'request_type_code') }}

),

joined as (

    select
        with_rank.*,
        districts.state,
        districts.state_district_id,
        terms.term_code as mapped_semester_code,
        accepted_students.student_id as accepted_student_id,
        {{ rows_per_key('with_rank', ['district_id', 'student_id', 'school_year', 'course_code', 'request_rank']) }}
            as rows_with_key
    from with_rank
    left join districts
        on with_rank.district_id = districts.district_id
    {{ xwalk_join('terms', 'with_rank', 'semester_code') }}
    {{ join_accepted_students('with_rank') }}

),

final as (

    {{ entity_select('course_requests', 'joined', request_rules({
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
