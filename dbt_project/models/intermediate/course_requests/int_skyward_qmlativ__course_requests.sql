-- Skyward Qmlativ course requests in the common columns, with the row-level rules of
-- DESIGN §7. IsAlternate maps through xwalk_request_types; an alternate carries its
-- AlternateRank (1 = first choice) as request_rank, a primary request has none.
with

course_requests as (

    select * from {{ ref('stg_skyward_qmlativ__course_requests') }}

),

request_types as (

    select * from {{ ref('xwalk_request_types') }}

),

request_statuses as (

    select * from {{ ref('xwalk_request_statuses') }}

),

accepted_students as (

    {{ accepted_students(ref('int_skyward_qmlativ__students')) }}

),

with_school_year as (

    select
        *,
        {{ spring_school_year('school_year_text') }} as school_year
    from course_requests

),

joined as (

    select
        with_school_year.*,
        request_types.request_type,
        request_types.is_alternate,
        request_statuses.request_status,
        accepted_students.student_id as accepted_student_id,
        {{ rows_per_key('with_school_year', ['district_id', 'student_id', 'school_year', 'course_code']) }}
            as rows_with_key,
        -- two alternates of one student and year must not share a rank
        count(*) over (
            partition by
                with_school_year.district_id,
                with_school_year.student_id,
                with_school_year.school_year,
                request_types.is_alternate,
                with_school_year.alternate_rank
        ) as rows_with_rank
    from with_school_year
    {{ xwalk_join('request_types', 'with_school_year', 'request_type_code') }}
    {{ xwalk_join('request_statuses', 'with_school_year', 'request_status_code') }}
    {{ join_accepted_students('with_school_year') }}

),

final as (

    {{ entity_select('course_requests', 'joined', request_rules({
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
