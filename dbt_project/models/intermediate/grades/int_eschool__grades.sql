-- eSchool marks in the common grade columns, with the row-level rules of DESIGN §7.
-- MARK_TYPE is the term (xwalk_terms); MARK_VALUE a letter (xwalk_grade_marks) or a number.
with

grades as (

    select * from {{ ref('stg_eschool__grades') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

terms as (

    select * from {{ ref('xwalk_terms') }}

),

grade_marks as (

    select * from {{ ref('xwalk_grade_marks') }}

),

accepted_students as (

    {{ accepted_students(ref('int_eschool__students')) }}

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
        accepted_students.student_id as accepted_student_id,
        {{ rows_per_key('with_school_year', [
            'district_id', 'student_id', 'school_year', 'term_code', 'course_code', 'section_code',
        ]) }} as rows_with_key
    from with_school_year
    left join districts
        on with_school_year.district_id = districts.district_id
    {{ xwalk_join('terms', 'with_school_year', 'term_code') }}
    {{ xwalk_join('grade_marks', 'with_school_year', 'mark_code') }}
    {{ join_accepted_students('with_school_year') }}

),

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
