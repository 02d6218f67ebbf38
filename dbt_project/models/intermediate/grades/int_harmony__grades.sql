-- Harmony grades of the newest term upload (the transcript so far, every school year) in
-- the common columns, with the row-level rules of DESIGN §7. The mark's own SchoolYear and
-- GradingPeriod are its school year and term; the upload's Term stays in staging.
with

grades as (

    select * from {{ ref('stg_harmony__grades') }}

),

{{ rule_context('grades', 'harmony', 'grades', lookups=[
    'districts', 'schools', 'terms', 'grade_marks', 'grade_levels', 'accepted_students',
], on={'schools': 'campus_id', 'grade_marks': 'letter_grade_code'}) }},

final as (

    {{ entity_select('grades', 'joined', harmony_snapshot_checks() + grade_rules({
        'student_id': 'StudentID', 'school_year': 'SchoolYear', 'course_code': 'CourseCode', 'term': 'GradingPeriod',
        'credits_attempted': 'CreditsAttempted', 'credits_earned': 'CreditsEarned', 'state_course_code': 'ServiceID',
    }, key_words='Student, school year, grading period, course and section', own={'unique': [
        maps_to('GradeLevel', 'grade_level_code', 'grade_level_when_taken', 'a known grade level'),
        maps_to('LetterGrade', 'letter_grade_code', 'letter_grade', 'a known mark'),
        parses('NumericGrade', 'numeric_grade_text', 'numeric_grade', 'a number'),
        within_range('numeric_grade', 'NumericGrade', 0, 100),
    ]}), {'term_code': 'mapped_term_code', 'is_final': 'is_final_term'}) }}

)

select * from final
