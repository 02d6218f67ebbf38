-- Skyward Qmlativ GPA in the common columns: cumulative GPA as of a school year, one row
-- per student, school year and GPA method, with the row-level rules of DESIGN §7. The
-- export carries no scale: it comes with the method from xwalk_gpa_scales.
with

gpa as (

    select * from {{ ref('stg_skyward_qmlativ__gpa') }}

),

gpa_types as (

    select * from {{ ref('xwalk_gpa_types') }}

),

gpa_scales as (

    select * from {{ ref('xwalk_gpa_scales') }}

),

accepted_students as (

    select
        district_id,
        student_id
    from {{ ref('int_skyward_qmlativ__students') }}
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
        gpa_scales.scale_max,
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
    left join gpa_scales
        on
            with_school_year.sis = gpa_scales.sis
            and with_school_year.gpa_type_code = gpa_scales.source_code
    left join accepted_students
        on
            with_school_year.district_id = accepted_students.district_id
            and with_school_year.student_id = accepted_students.student_id

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
            ("gpa_type_code is null", "'GPAMethod is missing'"),
            ("gpa_type_code is not null and gpa_type is null",
                dbt.concat(["'GPAMethod '", "gpa_type_code", "' is not a known GPA method'"])),
            ("gpa_type is not null and scale_max is null",
                dbt.concat(["'GPAMethod '", "gpa_type_code", "' has no scale in xwalk_gpa_scales'"])),
            ("rows_with_key > 1", "'Student, school year and GPA method appear on more than one row'"),
            ("gpa_text is null", "'GPA is missing'"),
            ("gpa_text is not null and gpa_value is null", "'GPA is not a number'"),
            ("gpa_value < 0 or gpa_value > scale_max",
                dbt.concat(["'GPA '", "gpa_text", "' is outside its scale 0-'",
                    "cast(cast(scale_max as " ~ dbt.type_int() ~ ") as " ~ dbt.type_string() ~ ")"])),
            ("credits_text is not null and credits is null", "'GPACredits is not a number'"),
            ("class_rank_text is not null and (class_rank is null or class_rank < 1)",
                "'Rank is not a positive whole number'"),
            ("class_size_text is not null and (class_size is null or class_size < 1)",
                "'OutOf is not a positive whole number'"),
            ("class_rank > class_size", "'Rank exceeds OutOf'"),
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
        cast(null as {{ dbt.type_string() }}) as school_id,
        rejection_reason,
        _dataset,
        _source_file,
        _file_sha256,
        _row_number
    from checked

)

select * from final
