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

    select
        district_id,
        student_id
    from {{ ref('int_harmony__students') }}
    where rejection_reason is null

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
    left join districts
        on with_school_year.district_id = districts.district_id
    left join schools
        on
            with_school_year.district_id = schools.district_id
            and (
                with_school_year.campus_id = schools.school_id
                or with_school_year.campus_id = schools.state_school_id
            )
    left join terms
        on
            with_school_year.sis = terms.sis
            and with_school_year.term_code = terms.source_code
    left join grade_marks
        on
            with_school_year.sis = grade_marks.sis
            and with_school_year.letter_grade_code = grade_marks.source_code
    left join grade_levels
        on
            with_school_year.sis = grade_levels.sis
            and with_school_year.grade_level_code = grade_levels.source_code
    left join accepted_students
        on
            with_school_year.district_id = accepted_students.district_id
            and with_school_year.student_id = accepted_students.student_id

),

checked as (

    select
        *,
        {{ rejection_reason(harmony_snapshot_checks() + [
            ("student_id is null", "'StudentID is missing'"),
            ("student_id is not null and accepted_student_id is null",
                "'StudentID is not an accepted student of the latest students file'"),
            ("school_year_text is null", "'SchoolYear is missing'"),
            ("school_year_text is not null and school_year is null",
                dbt.concat(["'SchoolYear '", "school_year_text", "' is not a school year'"])),
            ("course_code is null", "'CourseCode is missing'"),
            ("term_code is null", "'GradingPeriod is missing'"),
            ("term_code is not null and mapped_term_code is null",
                dbt.concat(["'GradingPeriod '", "term_code", "' is not a known term'"])),
            ("rows_with_key > 1",
                "'Student, school year, grading period, course and section appear on more than one row'"),
            ("grade_level_code is not null and grade_level_when_taken is null",
                dbt.concat(["'GradeLevel '", "grade_level_code", "' is not a known grade level'"])),
            ("letter_grade_code is not null and letter_grade is null",
                dbt.concat(["'LetterGrade '", "letter_grade_code", "' is not a known mark'"])),
            ("numeric_grade_text is not null and numeric_grade is null", "'NumericGrade is not a number'"),
            ("numeric_grade < 0 or numeric_grade > 100", "'NumericGrade is outside 0-100'"),
            ("credits_attempted_text is not null and credits_attempted is null",
                "'CreditsAttempted is not a number'"),
            ("credits_earned_text is not null and credits_earned is null", "'CreditsEarned is not a number'"),
            ("credits_attempted < 0 or credits_earned < 0", "'Credits are negative'"),
            ("credits_earned > credits_attempted",
                dbt.concat(["'CreditsEarned '", "cast(credits_earned as " ~ dbt.type_string() ~ ")",
                    "' exceeds CreditsAttempted '", "cast(credits_attempted as " ~ dbt.type_string() ~ ")"])),
            ("not " ~ matches_state_format('state_course_code', 'state', 'course'),
                dbt.concat(["'ServiceID '", "state_course_code", "' does not match the '", "state",
                    "' format '", state_format_label('state', 'course')])),
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
        numeric_grade,
        credits_attempted,
        credits_earned,
        is_final_term as is_final,
        grade_level_when_taken,
        rejection_reason,
        _dataset,
        _source_file,
        _file_sha256,
        _row_number
    from checked

)

select * from final
