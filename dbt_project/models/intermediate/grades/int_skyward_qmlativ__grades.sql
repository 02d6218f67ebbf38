-- Skyward Qmlativ grades in the common columns, with the row-level rules of DESIGN §7.
-- The grades export has no state course code: it comes from the course export, for the
-- same school year when that year is listed, else from the latest year listing the code.
with

grades as (

    select * from {{ ref('stg_skyward_qmlativ__grades') }}

),

-- accepted listings agree within a year (conflicting ones are rejected): one row per year
course_years as (

    select distinct
        district_id,
        course_code,
        school_year,
        state_course_code
    from {{ ref('int_skyward_qmlativ__courses') }}
    where rejection_reason is null

),

ranked_course_years as (

    select
        *,
        row_number() over (
            partition by district_id, course_code
            order by school_year desc
        ) as recency
    from course_years

),

latest_course_years as (

    select
        district_id,
        course_code,
        state_course_code
    from ranked_course_years
    where recency = 1

),

{{ rule_context('grades', 'skyward_qmlativ', 'grades', lookups=['terms', 'grade_marks', 'accepted_students']) }},

with_state_course_code as (

    select
        joined.*,
        coalesce(course_years.state_course_code, latest_course_years.state_course_code) as state_course_code
    from joined
    left join course_years
        on
            joined.district_id = course_years.district_id
            and joined.course_code = course_years.course_code
            and joined.school_year = course_years.school_year
    left join latest_course_years
        on
            joined.district_id = latest_course_years.district_id
            and joined.course_code = latest_course_years.course_code

),

final as (

    {{ entity_select('grades', 'with_state_course_code', grade_rules({
        'student_id': 'StudentNumber', 'school_year': 'SchoolYear', 'course_code': 'CourseCode', 'term': 'GradingPeriod',
        'credits_attempted': 'AttemptedCredits', 'credits_earned': 'EarnedCredits',
    }, key_words='Student, school year, grading period, course and section', known_term='a known grading period', own={'unique': [
        maps_to('GradeMark', 'grade_mark_code', 'letter_grade', 'a known mark'),
        within_range('grade_mark_number', 'GradeMark', 0, 100),
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
