-- Ascender courses in the common columns, with the row-level rules of DESIGN §7. The
-- COURSES export carries its school year. PEIMS service IDs tell two flags: AP courses'
-- IDs start with `A`, career and technical education (CTE) IDs with `13`.
with

courses as (

    select * from {{ ref('stg_ascender__courses') }}

),

{{ rule_context('courses', 'ascender', 'courses') }},

final as (

    {{ entity_select('courses', 'joined', ascender_campus_checks() + course_rules({
        'school_year': 'SchoolYear', 'course_code': 'CourseNbr', 'course_title': 'CourseTitle',
        'credits': 'Credits', 'state_course_code': 'ServiceID',
    }, key_words='Campus, school year and CourseNbr',
        listed_words='in the year with a different title, credits or service ID'), {
        'is_ap': "substring(state_course_code, 1, 1) = 'A'",
        'is_dual_credit': none,
        'is_cte': "substring(state_course_code, 1, 2) = '13'",
        'is_honors': none,
    }) }}

)

select * from final
