-- eSchool GPA in the common columns: the cumulative GPA (CUM_GPA) of a district GPA type as
-- of a school year, through its run term, one row per student, school year and type.
-- The export carries no scale: each GPA type's scale maximum comes from xwalk_gpa_scales.
with

gpa as (

    select * from {{ ref('stg_eschool__gpa') }}

),

gpa_types as (

    select * from {{ ref('xwalk_gpa_types') }}

),

terms as (

    select * from {{ ref('xwalk_terms') }}

),

accepted_students as (

    select
        district_id,
        student_id
    from {{ ref('int_eschool__students') }}
    where rejection_reason is null

),

-- the scale maximum of each GPA type code
gpa_scales as (

    select
        source_code as gpa_type_code,
        cast(scale_max as decimal(8, 4)) as scale_max
    from {{ ref('xwalk_gpa_scales') }}
    where sis = 'eschool'

),

with_school_year as (

    select
        gpa.*,
        gpa_scales.scale_max,
        {{ spring_school_year('gpa.school_year_text') }} as school_year
    from gpa
    left join gpa_scales
        on gpa.gpa_type_code = gpa_scales.gpa_type_code

),

joined as (

    select
        with_school_year.*,
        gpa_types.gpa_type,
        gpa_types.is_weighted,
        terms.term_code,
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
    left join terms
        on
            with_school_year.sis = terms.sis
            and with_school_year.run_term_code = terms.source_code
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
            ("run_term_code is not null and term_code is null",
                dbt.concat(["'RUN_TERM_YEAR '", "run_term_code", "' is not a known term'"])),
            ("gpa_type_code is null", "'GPA_TYPE is missing'"),
            ("gpa_type_code is not null and gpa_type is null",
                dbt.concat(["'GPA_TYPE '", "gpa_type_code", "' is not a known GPA type'"])),
            ("gpa_type is not null and scale_max is null",
                dbt.concat(["'GPA_TYPE '", "gpa_type_code", "' has no scale in xwalk_gpa_scales'"])),
            ("rows_with_key > 1", "'Student, school year and GPA type appear on more than one row'"),
            ("gpa_text is null", "'CUM_GPA is missing'"),
            ("gpa_text is not null and gpa_value is null", "'CUM_GPA is not a number'"),
            ("gpa_value < 0 or gpa_value > scale_max",
                dbt.concat(["'CUM_GPA '", "gpa_text", "' is outside its scale 0-'",
                    "cast(cast(scale_max as integer) as " ~ dbt.type_string() ~ ")"])),
            ("current_gpa_text is not null and current_gpa_value is null", "'CUR_GPA is not a number'"),
            ("current_gpa_value < 0 or current_gpa_value > scale_max",
                dbt.concat(["'CUR_GPA '", "current_gpa_text", "' is outside its scale 0-'",
                    "cast(cast(scale_max as integer) as " ~ dbt.type_string() ~ ")"])),
            ("credits_attempted_text is not null and credits_attempted is null",
                "'CUM_ATT_CREDIT is not a number'"),
            ("credits_text is not null and credits is null", "'CUM_EARN_CREDIT is not a number'"),
            ("credits > credits_attempted", "'CUM_EARN_CREDIT exceeds CUM_ATT_CREDIT'"),
            ("class_rank_text is not null and (class_rank is null or class_rank < 1)",
                "'CUM_RANK is not a positive whole number'"),
            ("class_size_text is not null and (class_size is null or class_size < 1)",
                "'CLASS_SIZE is not a positive whole number'"),
            ("class_rank > class_size", "'CUM_RANK exceeds CLASS_SIZE'"),
        ]) }} as rejection_reason
    from joined

),

final as (

    select
        {{ pathways_key('district_id', ['student_id', 'school_year', 'term_code', 'gpa_type', "'cumulative'"]) }}
            as k_student_gpa,
        {{ pathways_key('district_id', ['student_id']) }} as k_student,
        district_id,
        sis,
        student_id,
        school_year,
        term_code,
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
