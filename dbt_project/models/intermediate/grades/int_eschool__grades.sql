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

    select
        district_id,
        student_id
    from {{ ref('int_eschool__students') }}
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
        accepted_students.student_id as accepted_student_id,
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
    left join terms
        on
            with_school_year.sis = terms.sis
            and with_school_year.term_code = terms.source_code
    left join grade_marks
        on
            with_school_year.sis = grade_marks.sis
            and with_school_year.mark_code = grade_marks.source_code
    left join accepted_students
        on
            with_school_year.district_id = accepted_students.district_id
            and with_school_year.student_id = accepted_students.student_id

),

checked as (

    select
        *,
        {{ rejection_reason([
            ("student_id is null", "'STUDENT_ID is missing'"),
            ("student_id is not null and accepted_student_id is null",
                "'STUDENT_ID is not an accepted student of the latest students file'"),
            ("school_year_text is null", "'SCHOOL_YEAR is missing'"),
            ("school_year_text is not null and school_year is null",
                dbt.concat(["'SCHOOL_YEAR '", "school_year_text", "' is not a school year'"])),
            ("course_code is null", "'COURSE is missing'"),
            ("term_code is null", "'MARK_TYPE is missing'"),
            ("term_code is not null and mapped_term_code is null",
                dbt.concat(["'MARK_TYPE '", "term_code", "' is not a known term'"])),
            ("rows_with_key > 1",
                "'Student, school year, mark type, course and section appear on more than one row'"),
            ("mark_code is not null and letter_grade is null",
                dbt.concat(["'MARK_VALUE '", "mark_code", "' is not a known mark'"])),
            ("mark_number < 0 or mark_number > 100", "'MARK_VALUE is outside 0-100'"),
            ("raw_mark_text is not null and raw_mark_number is null", "'RAW_MARK_VALUE is not a number'"),
            ("raw_mark_number < 0 or raw_mark_number > 100", "'RAW_MARK_VALUE is outside 0-100'"),
            ("credits_attempted_text is not null and credits_attempted is null",
                "'ATT_CREDIT is not a number'"),
            ("credits_earned_text is not null and credits_earned is null", "'EARN_CREDIT is not a number'"),
            ("credits_attempted < 0 or credits_earned < 0", "'Credits are negative'"),
            ("credits_earned > credits_attempted",
                dbt.concat(["'EARN_CREDIT '", "cast(credits_earned as " ~ dbt.type_string() ~ ")",
                    "' exceeds ATT_CREDIT '", "cast(credits_attempted as " ~ dbt.type_string() ~ ")"])),
            ("not " ~ matches_state_format('state_course_code', 'state', 'course'),
                dbt.concat(["'STATE_CRS_EQUIV '", "state_course_code", "' does not match the '", "state",
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
        coalesce(raw_mark_number, mark_number) as numeric_grade,
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
