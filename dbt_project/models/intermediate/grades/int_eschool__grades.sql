-- eSchool marks in the common grade columns, with the row-level rules of DESIGN §7.
-- MARK_TYPE is the term (xwalk_terms); MARK_VALUE a letter (xwalk_grade_marks) or a number.
with

grades as (

    select * from {{ ref('stg_eschool__grades') }}

),

{{ rule_context('grades', 'eschool', 'grades', on={'grade_marks': 'mark_code'}) }},

final as (

    {{ entity_select('grades', 'joined', grade_rules({
        'student_id': 'STUDENT_ID', 'school_year': 'SCHOOL_YEAR', 'course_code': 'COURSE', 'term': 'MARK_TYPE',
        'credits_attempted': 'ATT_CREDIT', 'credits_earned': 'EARN_CREDIT', 'state_course_code': 'STATE_CRS_EQUIV',
    }, key_words='Student, school year, mark type, course and section', own={'unique': [
        maps_to('MARK_VALUE', 'mark_code', 'letter_grade', 'a known mark'),
        within_range('mark_number', 'MARK_VALUE', 0, 100),
        parses('RAW_MARK_VALUE', 'raw_mark_text', 'raw_mark_number', 'a number'),
        within_range('raw_mark_number', 'RAW_MARK_VALUE', 0, 100),
    ]}), {
        'term_code': 'mapped_term_code',
        'numeric_grade': 'coalesce(raw_mark_number, mark_number)',
        'is_final': 'is_final_term',
        'grade_level_when_taken': none,
    }) }}

)

select * from final
