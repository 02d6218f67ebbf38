-- PowerSchool stored grades (STOREDGRADES) in the common columns, with the row-level rules
-- of DESIGN §7. STUDENTID is STUDENTS.ID: it becomes the student number through the
-- students data. TERMID (YEARID x 100 + n) gives the school year; STORECODE (Q1-Q4, S1,
-- S2, Y1) is the term, through xwalk_terms; GRADE_LEVEL maps through xwalk_grade_levels.
-- The state course code comes from the course catalog (ALT_COURSE_NUMBER).
with

grades as (

    select * from {{ ref('stg_powerschool__grades') }}

),

-- accepted catalog listings agree (conflicting ones are rejected): one row per course
catalog as (

    select distinct
        district_id,
        course_code,
        state_course_code
    from {{ ref('int_powerschool__courses') }}
    where rejection_reason is null

),

{{ powerschool_student_numbers() }},

with_student_numbers as (

    {{ powerschool_with_student_numbers('grades', powerschool_school_year('grades.school_year_text', per_year=100)) }}

),

{{ rule_context('grades', 'powerschool', 'with_student_numbers', lookups=['terms', 'grade_marks', 'grade_levels'],
    school_year=false) }},

with_state_course_code as (

    select
        joined.*,
        catalog.state_course_code
    from joined
    left join catalog
        on
            joined.district_id = catalog.district_id
            and joined.course_code = catalog.course_code

),

final as (

    {{ entity_select('grades', 'with_state_course_code', grade_rules({
        'student_id': 'STUDENTID', 'school_year': 'TERMID', 'course_code': 'COURSE_NUMBER', 'term': 'STORECODE',
        'credits_attempted': 'POTENTIALCRHRS', 'credits_earned': 'EARNEDCRHRS',
    }, key_words='Student, TERMID, STORECODE, course and section', known_term='a known STORECODE', own={
        'student': [powerschool_known_student()],
        'unique': [
            maps_to('GRADE', 'grade_mark_code', 'letter_grade', 'a known mark'),
            within_range('grade_mark_number', 'GRADE', 0, 100),
            parses('PERCENT', 'percent_text', 'percent_grade', 'a number'),
            within_range('percent_grade', 'PERCENT', 0, 100),
            maps_to('GRADE_LEVEL', 'grade_level_code', 'grade_level_when_taken', 'a known grade level'),
        ],
    }), {
        'student_id': 'student_number',
        'term_code': 'mapped_term_code',
        'numeric_grade': 'coalesce(percent_grade, grade_mark_number)',
        'is_final': 'is_final_term',
    }) }}

)

select * from final
