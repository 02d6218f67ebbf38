-- Ascender grades in the common columns, with the row-level rules of DESIGN §7. One row per
-- student, course section and semester: the posted FinalGrade is the mark (a code through
-- xwalk_grade_marks, or a number); when it is a code the semester average is the number.
-- Cycle and exam grades are checked (0-100) but are progress marks, not common columns.
with

grades as (

    select * from {{ ref('stg_ascender__grades') }}

),

{{ rule_context('grades', 'ascender', 'grades', lookups=[
    'districts', 'terms', 'grade_marks', 'grade_levels', 'accepted_students',
], on={'terms': 'semester_code', 'grade_marks': 'final_grade_code'}, columns=['semester_code as term_code'], key=[
    'district_id', 'student_id', 'school_year', 'semester_code', 'course_code', 'section_code',
]) }},

final as (

    {{ entity_select('grades', 'joined', grade_rules({
        'student_id': 'StudentID', 'school_year': 'SchoolYear', 'course_code': 'CourseNbr', 'term': 'Semester',
        'credits_attempted': 'CreditAttempted', 'credits_earned': 'CreditEarned', 'state_course_code': 'ServiceID',
    }, key_words='Student, school year, semester, course and section', own={
        'student': ascender_campus_checks() + [
            matches_format('TXUniqueStudentID', 'state_student_id', 'student'),
        ],
        'school_year': [
            maps_to('GradeLevel', 'grade_level_code', 'grade_level_when_taken', 'a known grade level'),
        ],
        'unique': [
            ("final_grade_code is not null and letter_grade is null",
                rule_text('FinalGrade', 'final_grade_code', ' is neither 0-100 nor a known code')),
            within_range('final_grade_number', 'FinalGrade', 0, 100),
            parses('Cycle1', 'cycle1_text', 'cycle1_grade', 'a number within 0-100',
                invalid='cycle1_grade < 0 or cycle1_grade > 100'),
            parses('Cycle2', 'cycle2_text', 'cycle2_grade', 'a number within 0-100',
                invalid='cycle2_grade < 0 or cycle2_grade > 100'),
            parses('Cycle3', 'cycle3_text', 'cycle3_grade', 'a number within 0-100',
                invalid='cycle3_grade < 0 or cycle3_grade > 100'),
            parses('ExamGrade', 'exam_grade_text', 'exam_grade', 'a number within 0-100',
                invalid='exam_grade < 0 or exam_grade > 100'),
            parses('SemAvg', 'semester_average_text', 'semester_average', 'a number within 0-100',
                invalid='semester_average < 0 or semester_average > 100'),
        ],
        'credits': [
            ("dual_credit_flag not in ('Y', 'N')", "'DualCredit is not Y or N'"),
            ("apib_flag not in ('Y', 'N')", "'APIB is not Y or N'"),
        ],
    }), {
        'term_code': 'mapped_term_code',
        'numeric_grade': 'coalesce(final_grade_number, semester_average)',
        'is_final': 'is_final_term',
    }) }}

)

select * from final
