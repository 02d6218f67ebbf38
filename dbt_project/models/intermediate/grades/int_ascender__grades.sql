-- Ascender grades in the common columns, with the row-level rules of DESIGN §7. One row per
-- student, course section and semester: the posted FinalGrade is the mark (a code through
-- xwalk_grade_marks, or a number); when it is a code the semester average is the number.
-- Cycle and exam grades are checked (0-100) but are progress marks, not common columns.
with

grades as (

    select * from {{ ref('stg_ascender__grades') }}

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

grade_levels as (

    select * from {{ ref('xwalk_grade_levels') }}

),

accepted_students as (

    select
        district_id,
        student_id
    from {{ ref('int_ascender__students') }}
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
        districts.state_district_id,
        terms.term_code as mapped_term_code,
        terms.term_name,
        terms.is_final_term,
        grade_marks.letter_grade,
        grade_levels.grade_level as grade_level_when_taken,
        accepted_students.student_id as accepted_student_id,
        count(*) over (
            partition by
                with_school_year.district_id,
                with_school_year.student_id,
                with_school_year.school_year,
                with_school_year.semester_code,
                with_school_year.course_code,
                with_school_year.section_code
        ) as rows_with_key
    from with_school_year
    left join districts
        on with_school_year.district_id = districts.district_id
    left join terms
        on
            with_school_year.sis = terms.sis
            and with_school_year.semester_code = terms.source_code
    left join grade_marks
        on
            with_school_year.sis = grade_marks.sis
            and with_school_year.final_grade_code = grade_marks.source_code
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
        {{ rejection_reason([
            ("student_id is null", "'StudentID is missing'"),
            ("student_id is not null and accepted_student_id is null",
                "'StudentID is not an accepted student of the latest students file'"),
        ] + ascender_campus_checks() + [
            ("not " ~ matches_state_format('state_student_id', 'state', 'student'),
                dbt.concat(["'TXUniqueStudentID does not match the '", "state", "' format '",
                    state_format_label('state', 'student')])),
            ("school_year_text is null", "'SchoolYear is missing'"),
            ("school_year_text is not null and school_year is null",
                dbt.concat(["'SchoolYear '", "school_year_text", "' is not a school year'"])),
            ("grade_level_code is not null and grade_level_when_taken is null",
                dbt.concat(["'GradeLevel '", "grade_level_code", "' is not a known grade level'"])),
            ("course_code is null", "'CourseNbr is missing'"),
            ("semester_code is null", "'Semester is missing'"),
            ("semester_code is not null and mapped_term_code is null",
                dbt.concat(["'Semester '", "semester_code", "' is not a known term'"])),
            ("rows_with_key > 1",
                "'Student, school year, semester, course and section appear on more than one row'"),
            ("final_grade_code is not null and letter_grade is null",
                dbt.concat(["'FinalGrade '", "final_grade_code", "' is neither 0-100 nor a known code'"])),
            ("final_grade_number < 0 or final_grade_number > 100", "'FinalGrade is outside 0-100'"),
            ("cycle1_text is not null and (cycle1_grade is null or cycle1_grade < 0 or cycle1_grade > 100)",
                "'Cycle1 is not a number within 0-100'"),
            ("cycle2_text is not null and (cycle2_grade is null or cycle2_grade < 0 or cycle2_grade > 100)",
                "'Cycle2 is not a number within 0-100'"),
            ("cycle3_text is not null and (cycle3_grade is null or cycle3_grade < 0 or cycle3_grade > 100)",
                "'Cycle3 is not a number within 0-100'"),
            ("exam_grade_text is not null and (exam_grade is null or exam_grade < 0 or exam_grade > 100)",
                "'ExamGrade is not a number within 0-100'"),
            ("semester_average_text is not null and (semester_average is null "
                ~ "or semester_average < 0 or semester_average > 100)",
                "'SemAvg is not a number within 0-100'"),
            ("credits_attempted_text is not null and credits_attempted is null",
                "'CreditAttempted is not a number'"),
            ("credits_earned_text is not null and credits_earned is null", "'CreditEarned is not a number'"),
            ("credits_attempted < 0 or credits_earned < 0", "'Credits are negative'"),
            ("credits_earned > credits_attempted",
                dbt.concat(["'CreditEarned '", "cast(credits_earned as " ~ dbt.type_string() ~ ")",
                    "' exceeds CreditAttempted '", "cast(credits_attempted as " ~ dbt.type_string() ~ ")"])),
            ("dual_credit_flag not in ('Y', 'N')", "'DualCredit is not Y or N'"),
            ("apib_flag not in ('Y', 'N')", "'APIB is not Y or N'"),
            ("not " ~ matches_state_format('state_course_code', 'state', 'course'),
                dbt.concat(["'ServiceID '", "state_course_code", "' does not match the '", "state",
                    "' format '", state_format_label('state', 'course')])),
        ]) }} as rejection_reason
    from joined

),

final as (

    select
        {{ pathways_key(
            'district_id', ['student_id', 'school_year', 'mapped_term_code', 'course_code', 'section_code']
        ) }} as k_student_grade,
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
        coalesce(final_grade_number, semester_average) as numeric_grade,
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
