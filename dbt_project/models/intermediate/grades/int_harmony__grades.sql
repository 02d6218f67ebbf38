-- Harmony grades of the newest term upload (the transcript so far, every school year) in
-- the common columns, with the row-level rules of DESIGN §7. The mark's own SchoolYear and
-- GradingPeriod are its school year and term; the upload's Term stays in staging.
with

grades as (

    select * from {{ ref('stg_harmony__grades') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

schools as (

    select * from {{ ref('stg_pathways__district_schools') }}

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

accepted_students as (

    {{ accepted_students(ref('int_harmony__students')) }}

),

with_school_year as (

    select
        *,
        {{ spring_school_year('school_year_text') }} as school_year
    from grades

),

joined as (

    select
        with_school_year.*,
        districts.state,
        terms.term_code as mapped_term_code,
        terms.term_name,
        terms.is_final_term,
        grade_marks.letter_grade,
        grade_levels.grade_level as grade_level_when_taken,
        accepted_students.student_id as accepted_student_id,
        coalesce(schools.school_id, with_school_year.campus_id) as school_id,
        {{ rows_per_key('with_school_year', [
            'district_id', 'student_id', 'school_year', 'term_code', 'course_code', 'section_code',
        ]) }} as rows_with_key
    from with_school_year
    left join districts
        on with_school_year.district_id = districts.district_id
    left join schools
        on
            with_school_year.district_id = schools.district_id
            and (
                with_school_year.campus_id = schools.school_id
                or with_school_year.campus_id = schools.state_school_id
            )
    {{ xwalk_join('terms', 'with_school_year', 'term_code') }}
    {{ xwalk_join('grade_marks', 'with_school_year', 'letter_grade_code') }}
    {{ xwalk_join('grade_levels', 'with_school_year', 'grade_level_code') }}
    {{ join_accepted_students('with_school_year') }}

),

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
