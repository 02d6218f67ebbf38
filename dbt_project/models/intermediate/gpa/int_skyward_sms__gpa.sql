-- Skyward SMS GPA in the common columns: cumulative GPA as of a school year, one row per
-- student, school year and GPA type, with the row-level rules of DESIGN §7.
with

gpa as (

    select * from {{ ref('stg_skyward_sms__gpa') }}

),

gpa_types as (

    select * from {{ ref('xwalk_gpa_types') }}

),

accepted_students as (

    select
        district_id,
        student_id
    from {{ ref('int_skyward_sms__students') }}
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
            ("student_id is null", "'Other ID is missing'"),
            ("student_id is not null and accepted_student_id is null",
                "'Other ID is not an accepted student of the latest students file'"),
            ("school_year_text is null", "'School Year is missing'"),
            ("school_year_text is not null and school_year is null",
                dbt.concat(["'School Year '", "school_year_text", "' is not a school year'"])),
            ("gpa_type_code is null", "'GPA Type is missing'"),
            ("gpa_type_code is not null and gpa_type is null",
                dbt.concat(["'GPA Type '", "gpa_type_code", "' is not a known GPA type'"])),
            ("rows_with_key > 1", "'Student, school year and GPA type appear on more than one row'"),
            ("gpa_text is null", "'GPA is missing'"),
            ("gpa_text is not null and gpa_value is null", "'GPA is not a number'"),
            ("gpa_scale_text is null", "'GPA Scale is missing'"),
            ("gpa_scale_text is not null and (scale_max is null or scale_max <= 0)",
                "'GPA Scale is not a positive number'"),
            ("gpa_value < 0 or gpa_value > scale_max",
                dbt.concat(["'GPA '", "gpa_text", "' is outside its scale 0-'", "gpa_scale_text"])),
            ("credits_text is not null and credits is null", "'Credits is not a number'"),
            ("class_rank_text is not null and (class_rank is null or class_rank < 1)",
                "'Class Rank is not a positive whole number'"),
            ("class_size_text is not null and (class_size is null or class_size < 1)",
                "'Class Size is not a positive whole number'"),
            ("class_rank > class_size", "'Class Rank exceeds Class Size'"),
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
