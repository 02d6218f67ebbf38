-- PowerSchool stored grades (STOREDGRADES) in the common columns, with the row-level rules
-- of DESIGN §7. STUDENTID is STUDENTS.ID: it becomes the student number through the
-- students data. TERMID (YEARID x 100 + n) gives the school year; STORECODE (Q1-Q4, S1,
-- S2, Y1) is the term, through xwalk_terms; GRADE_LEVEL maps through xwalk_grade_levels.
-- The state course code comes from the course catalog (ALT_COURSE_NUMBER).
with

grades as (

    select * from {{ ref('stg_powerschool__grades') }}

),

terms as (

    select * from {{ ref('xwalk_terms') }}

),

grade_marks as (

    select * from {{ ref('xwalk_grade_marks') }}

),

grade_levels as (

    select * from {{ ref('xwalk_grade_levels') }}

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

joined as (

    select
        with_student_numbers.*,
        terms.term_code as mapped_term_code,
        terms.term_name,
        terms.is_final_term,
        grade_marks.letter_grade,
        grade_levels.grade_level as grade_level_when_taken,
        catalog.state_course_code,
        {{ rows_per_key('with_student_numbers', [
            'district_id', 'student_id', 'school_year', 'term_code', 'course_code', 'section_code',
        ]) }} as rows_with_key
    from with_student_numbers
    {{ xwalk_join('terms', 'with_student_numbers', 'term_code') }}
    {{ xwalk_join('grade_marks', 'with_student_numbers', 'grade_mark_code') }}
    {{ xwalk_join('grade_levels', 'with_student_numbers', 'grade_level_code') }}
    left join catalog
        on
            with_student_numbers.district_id = catalog.district_id
            and with_student_numbers.course_code = catalog.course_code

),

final as (

    {{ entity_select('grades', 'joined', grade_rules({
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
