-- Harmony course requests of the newest term upload in the common columns: primary
-- requests and alternates (xwalk_request_types), with their status (xwalk_request_statuses).
with

requests as (

    select * from {{ ref('stg_harmony__course_requests') }}

),

schools as (

    select * from {{ ref('stg_pathways__district_schools') }}

),

request_types as (

    select * from {{ ref('xwalk_request_types') }}

),

request_statuses as (

    select * from {{ ref('xwalk_request_statuses') }}

),

accepted_students as (

    {{ accepted_students(ref('int_harmony__students')) }}

),

with_school_year as (

    select
        *,
        {{ spring_school_year('school_year_text') }} as school_year
    from requests

),

joined as (

    select
        with_school_year.*,
        request_types.request_type,
        request_types.is_alternate,
        request_statuses.request_status,
        accepted_students.student_id as accepted_student_id,
        coalesce(schools.school_id, with_school_year.campus_id) as school_id,
        {{ rows_per_key('with_school_year', ['district_id', 'student_id', 'school_year', 'course_code']) }}
            as rows_with_key
    from with_school_year
    left join schools
        on
            with_school_year.district_id = schools.district_id
            and (
                with_school_year.campus_id = schools.school_id
                or with_school_year.campus_id = schools.state_school_id
            )
    {{ xwalk_join('request_types', 'with_school_year', 'request_type_code') }}
    {{ xwalk_join('request_statuses', 'with_school_year', 'request_status_code') }}
    {{ join_accepted_students('with_school_year') }}

),

final as (

    {{ entity_select('course_requests', 'joined', harmony_snapshot_checks() + request_rules({
        'student_id': 'StudentID', 'school_year': 'SchoolYear', 'course_code': 'CourseCode',
        'request_type': 'RequestType', 'request_status': 'RequestStatus',
    }, known_type='Primary or Alternate', key_words='Student, school year and course', own={
        'request_type': [
            parses('RequestRank', 'request_rank_text', 'request_rank', 'a positive whole number',
                invalid='request_rank < 1'),
        ],
    })) }}

)

select * from final
