-- Skyward SMS grades in the common columns, with the row-level rules of DESIGN §7.
with

grades as (

    select * from {{ ref('stg_skyward_sms__grades') }}

),

{{ rule_context('grades', 'skyward_sms', 'grades') }},

final as (

    {{ entity_select('grades', 'joined', grade_rules({
        'student_id': 'Other ID', 'school_year': 'School Year', 'course_code': 'Course Key', 'term': 'Term',
        'credits_attempted': 'Credit Attempted', 'credits_earned': 'Credit Earned', 'state_course_code': 'State Course Code',
    }, key_words='Student, school year, term, course and section', own={'unique': [
        maps_to('Grade Mark', 'grade_mark_code', 'letter_grade', 'a known mark'),
        within_range('grade_mark_number', 'Grade Mark', 0, 100),
        parses('Percent', 'percent_text', 'percent_grade', 'a number'),
        within_range('percent_grade', 'Percent', 0, 100),
    ]}), {
        'term_code': 'mapped_term_code',
        'numeric_grade': 'coalesce(percent_grade, grade_mark_number)',
        'is_final': 'is_final_term',
        'grade_level_when_taken': none,
    }) }}

)

select * from final
