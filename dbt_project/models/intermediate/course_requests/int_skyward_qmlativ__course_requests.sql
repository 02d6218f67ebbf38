-- Skyward Qmlativ course requests in the common columns, with the row-level rules of
-- DESIGN §7. IsAlternate maps through xwalk_request_types; an alternate carries its
-- AlternateRank (1 = first choice) as request_rank, a primary request has none.
with

course_requests as (

    select * from {{ ref('stg_skyward_qmlativ__course_requests') }}

),

{{ rule_context('course_requests', 'skyward_qmlativ', 'course_requests', lookups=[
    'request_types', 'request_statuses', 'accepted_students',
]) }},

-- two alternates of one student and year must not share a rank
ranked as (

    select
        *,
        {{ rows_per_key('joined', ['district_id', 'student_id', 'school_year', 'is_alternate', 'alternate_rank']) }}
            as rows_with_rank
    from joined

),

final as (

    {{ entity_select('course_requests', 'ranked', request_rules({
        'student_id': 'StudentNumber', 'school_year': 'SchoolYear', 'course_code': 'CourseCode',
        'request_type': 'IsAlternate', 'request_status': 'RequestStatus',
    }, known_type='True or False', known_status='a known status', key_words='Student, school year and course',
    own={'request_type': [
        parses('AlternateRank', 'alternate_rank_text', 'alternate_rank', 'a whole number', show_value=true),
        ("is_alternate and (alternate_rank is null or alternate_rank < 1)",
            "'An alternate request needs an AlternateRank of 1 or more'"),
        ("not is_alternate and alternate_rank > 0", "'A primary request has an AlternateRank'"),
        ("is_alternate and alternate_rank >= 1 and rows_with_rank > 1", rule_text('AlternateRank',
            'alternate_rank_text', ' is given to more than one alternate of the student and school year')),
    ]}) + [
        parses('EarnedCreditsRequested', 'credits_requested_text', 'credits_requested', 'a number'),
        not_negative('credits_requested', 'EarnedCreditsRequested'),
    ], {'request_rank': 'case when is_alternate then alternate_rank end'}) }}

)

select * from final
