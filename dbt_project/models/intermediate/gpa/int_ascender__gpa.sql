-- Ascender GPA in the common columns: cumulative GPA as of a school year, one row per
-- student, school year and GPA type, with the row-level rules of DESIGN §7. The layout
-- allows the scales 4, 5, 6 and 100 only.
with

gpa as (

    select * from {{ ref('stg_ascender__gpa') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

gpa_types as (

    select * from {{ ref('xwalk_gpa_types') }}

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
    from gpa

),

joined as (

    select
        with_school_year.*,
        districts.state_district_id,
        gpa_types.gpa_type,
        gpa_types.is_weighted,
        accepted_students.student_id as accepted_student_id,
        count(*) over (
            partition by
                with_school_year.district_id,
                with_school_year.student_id,
                with_school_year.school_year,
                with_school_year.gpa_type_code
        ) as rows_with_key
    from with_school_year
    left join districts
        on with_school_year.district_id = districts.district_id
    left join gpa_types
        on
            with_school_year.sis = gpa_types.sis
            and with_school_year.gpa_type_code = gpa_types.source_code
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
            ("school_year_text is null", "'SchoolYear is missing'"),
            ("school_year_text is not null and school_year is null",
                dbt.concat(["'SchoolYear '", "school_year_text", "' is not a school year'"])),
            ("gpa_type_code is null", "'GPAType is missing'"),
            ("gpa_type_code is not null and gpa_type is null",
                dbt.concat(["'GPAType '", "gpa_type_code", "' is not a known GPA type'"])),
            ("rows_with_key > 1", "'Student, school year and GPA type appear on more than one row'"),
            ("gpa_text is null", "'GPA is missing'"),
            ("gpa_text is not null and gpa_value is null", "'GPA is not a number'"),
            ("gpa_scale_text is null", "'GPAScale is missing'"),
            ("gpa_scale_text is not null and (scale_max is null or scale_max not in (4, 5, 6, 100))",
                dbt.concat(["'GPAScale '", "gpa_scale_text", "' is not 4, 5, 6 or 100'"])),
            ("gpa_value < 0 or gpa_value > scale_max",
                dbt.concat(["'GPA '", "gpa_text", "' is outside its scale 0-'", "gpa_scale_text"])),
            ("credits_text is not null and credits is null", "'CumCredits is not a number'"),
            ("credits < 0", "'CumCredits is negative'"),
            ("class_rank_text is not null and (class_rank is null or class_rank < 1)",
                "'ClassRank is not a positive whole number'"),
            ("class_size_text is not null and (class_size is null or class_size < 1)",
                "'ClassSize is not a positive whole number'"),
            ("class_rank > class_size", "'ClassRank exceeds ClassSize'"),
        ]) }} as rejection_reason
    from joined

),

final as (

    select
        {{ pathways_key('district_id', ['student_id', 'school_year', "''", 'gpa_type', "'cumulative'"]) }}
            as k_student_gpa,
        {{ pathways_key('district_id', ['student_id']) }} as k_student,
        district_id,
        sis,
        student_id,
        school_year,
        cast(null as {{ dbt.type_string() }}) as term_code,
        gpa_type,
        is_weighted,
        'cumulative' as gpa_scope,
        gpa_value,
        scale_max,
        class_rank,
        class_size,
        credits,
        school_id,
        rejection_reason,
        _dataset,
        _source_file,
        _file_sha256,
        _row_number
    from checked

)

select * from final
