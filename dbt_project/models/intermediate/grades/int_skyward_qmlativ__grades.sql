-- Skyward Qmlativ grades in the common columns, with the row-level rules of DESIGN §7.
-- The grades export has no state course code: it comes from the course export, for the
-- same school year when that year is listed, else from the latest year listing the code.
with

grades as (

    select * from {{ ref('stg_skyward_qmlativ__grades') }}

),

terms as (

    select * from {{ ref('xwalk_terms') }}

),

grade_marks as (

    select * from {{ ref('xwalk_grade_marks') }}

),

accepted_students as (

    select
        district_id,
        student_id
    from {{ ref('int_skyward_qmlativ__students') }}
    where rejection_reason is null

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

with_school_year as (

    select
        *,
        {{ spring_school_year('school_year_text') }} as school_year
    from grades

),

joined as (

    select
        with_school_year.*,
        terms.term_code as mapped_term_code,
        terms.term_name,
        terms.is_final_term,
        grade_marks.letter_grade,
        accepted_students.student_id as accepted_student_id,
        coalesce(course_years.state_course_code, latest_course_years.state_course_code) as state_course_code,
        count(*) over (
            partition by
                with_school_year.district_id,
                with_school_year.student_id,
                with_school_year.school_year,
                with_school_year.term_code,
                with_school_year.course_code,
                with_school_year.section_code
        ) as rows_with_key
    from with_school_year
    left join terms
        on
            with_school_year.sis = terms.sis
            and with_school_year.term_code = terms.source_code
    left join grade_marks
        on
            with_school_year.sis = grade_marks.sis
            and with_school_year.grade_mark_code = grade_marks.source_code
    left join accepted_students
        on
            with_school_year.district_id = accepted_students.district_id
            and with_school_year.student_id = accepted_students.student_id
    left join course_years
        on
            with_school_year.district_id = course_years.district_id
            and with_school_year.course_code = course_years.course_code
            and with_school_year.school_year = course_years.school_year
    left join latest_course_years
        on
            with_school_year.district_id = latest_course_years.district_id
            and with_school_year.course_code = latest_course_years.course_code

),

checked as (

    select
        *,
        {{ rejection_reason([
            ("student_id is null", "'StudentNumber is missing'"),
            ("student_id is not null and accepted_student_id is null",
                "'StudentNumber is not an accepted student of the latest students file'"),
            ("school_year_text is null", "'SchoolYear is missing'"),
            ("school_year_text is not null and school_year is null",
                dbt.concat(["'SchoolYear '", "school_year_text", "' is not a school year'"])),
            ("course_code is null", "'CourseCode is missing'"),
            ("term_code is null", "'GradingPeriod is missing'"),
            ("term_code is not null and mapped_term_code is null",
                dbt.concat(["'GradingPeriod '", "term_code", "' is not a known grading period'"])),
            ("rows_with_key > 1",
                "'Student, school year, grading period, course and section appear on more than one row'"),
            ("grade_mark_code is not null and letter_grade is null",
                dbt.concat(["'GradeMark '", "grade_mark_code", "' is not a known mark'"])),
            ("grade_mark_number < 0 or grade_mark_number > 100", "'GradeMark is outside 0-100'"),
            ("percent_text is not null and percent_grade is null", "'Percent is not a number'"),
            ("percent_grade < 0 or percent_grade > 100", "'Percent is outside 0-100'"),
            ("credits_attempted_text is not null and credits_attempted is null",
                "'AttemptedCredits is not a number'"),
            ("credits_earned_text is not null and credits_earned is null", "'EarnedCredits is not a number'"),
            ("credits_attempted < 0 or credits_earned < 0", "'Credits are negative'"),
            ("credits_earned > credits_attempted",
                dbt.concat(["'EarnedCredits '", "cast(credits_earned as " ~ dbt.type_string() ~ ")",
                    "' exceeds AttemptedCredits '", "cast(credits_attempted as " ~ dbt.type_string() ~ ")"])),
        ]) }} as rejection_reason
    from joined

),

final as (

    select
        {{ pathways_key('district_id', ['student_id', 'school_year', 'term_code', 'course_code', 'section_code']) }}
            as k_student_grade,
        {{ pathways_key('district_id', ['student_id']) }} as k_student,
        {{ pathways_key('district_id', ['school_year', 'course_code']) }} as k_course,
        district_id,
        sis,
        student_id,
        school_year,
        mapped_term_code as term_code,
        term_name,
        course_code,
        section_code,
        school_id,
        state_course_code,
        letter_grade,
        coalesce(percent_grade, grade_mark_number) as numeric_grade,
        credits_attempted,
        credits_earned,
        is_final_term as is_final,
        cast(null as {{ dbt.type_string() }}) as grade_level_when_taken,
        rejection_reason,
        _dataset,
        _source_file,
        _file_sha256,
        _row_number
    from checked

)

select * from final
