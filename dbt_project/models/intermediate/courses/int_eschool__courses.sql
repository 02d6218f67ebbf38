-- eSchool course catalog rows in the common columns: one listing per school year, building
-- and course, with the row-level rules of DESIGN §7.
with

courses as (

    select * from {{ ref('stg_eschool__courses') }}

),

-- A course may be listed by several buildings in a year; it is one course only if every
-- listing agrees on title, credits and state code.
{{ rule_context('courses', 'eschool', 'courses') }},

final as (

    {{ entity_select('courses', 'joined', course_rules({
        'school_year': 'SCHOOL_YEAR', 'course_code': 'COURSE', 'course_title': 'DESCRIPTION',
        'credits': 'CREDIT', 'state_course_code': 'STATE_CODE',
    }, key_words='School year, building and course',
        listed_words='in the school year with a different description, credit or state code',
        own={'school_year': [required('school_id', 'BUILDING')]}), {
        'is_ap': none, 'is_dual_credit': none, 'is_cte': none, 'is_honors': none,
    }) }}

)

select * from final
