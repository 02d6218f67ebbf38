-- Skyward Qmlativ courses in the common columns, one row per building, school year and
-- course, with the row-level rules of DESIGN §7. Qmlativ says whether a course is honors
-- (IsHonors); AP, dual credit and CTE are not in its export.
with

courses as (

    select * from {{ ref('stg_skyward_qmlativ__courses') }}

),

-- A course code may be offered by several buildings in a year; it is one course only if
-- every listing agrees on title, credits, state code and honors flag.
{{ rule_context('courses', 'skyward_qmlativ', 'courses', listed=[
    'course_title', 'credits', 'state_course_code', 'is_honors',
]) }},

final as (

    {{ entity_select('courses', 'joined', course_rules({
        'school_id': 'EntityCode', 'school_year': 'SchoolYear', 'course_code': 'CourseCode',
        'course_title': 'Description', 'credits': 'EarnedCredits', 'state_course_code': 'StateCourseCode',
    }, listed_words='in the school year with a different description, credits, state course code or honors flag')
    + [parses('IsHonors', 'is_honors_text', 'is_honors', 'True or False', show_value=true)], {'is_ap': none, 'is_dual_credit': none, 'is_cte': none}) }}

)

select * from final
