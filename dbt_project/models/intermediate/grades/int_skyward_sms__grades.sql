-- Skyward SMS grades in the common columns, with the row-level rules of DESIGN §7.
with

grades as (

    select * from {{ ref('stg_skyward_sms__grades') }}

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

    {{ accepted_students(ref('int_skyward_sms__students')) }}

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
    {{ xwalk_join('grade_marks', 'with_school_year', 'grade_mark_code') }}
    {{ join_accepted_students('with_school_year') }}

),

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
