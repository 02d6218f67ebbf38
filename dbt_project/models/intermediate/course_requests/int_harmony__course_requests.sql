-- Harmony course requests of the newest term upload in the common columns: primary
-- requests and alternates (xwalk_request_types), with their status (xwalk_request_statuses).
with

requests as (

    select * from {{ ref('stg_harmony__course_requests') }}

),

{{ rule_context('course_requests', 'harmony', 'requests', lookups=[
    'schools', 'request_types', 'request_statuses', 'accepted_students',
], on={'schools': 'campus_id'}) }},

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
