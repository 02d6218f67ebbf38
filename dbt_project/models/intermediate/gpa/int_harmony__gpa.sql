-- Harmony GPA of the newest term upload in the common columns: cumulative GPA as of the
-- upload's Term (`2027_S1` -> school year 2027, term S1), one row per student and GPA type.
with

gpa as (

    select * from {{ ref('stg_harmony__gpa') }}

),

schools as (

    select * from {{ ref('stg_pathways__district_schools') }}

),

gpa_types as (

    select * from {{ ref('xwalk_gpa_types') }}

),

accepted_students as (

    select
        district_id,
        student_id
    from {{ ref('int_harmony__students') }}
    where rejection_reason is null

),

joined as (

    select
        gpa.*,
        gpa.snapshot_school_year as school_year,
        gpa.snapshot_term_code as term_code,
        gpa_types.gpa_type,
        gpa_types.is_weighted,
        accepted_students.student_id as accepted_student_id,
        coalesce(schools.school_id, gpa.campus_id) as school_id,
        count(*) over (
            partition by
                gpa.district_id,
                gpa.student_id,
                gpa.snapshot_term,
                gpa.gpa_type_code
        ) as rows_with_key
    from gpa
    left join schools
        on
            gpa.district_id = schools.district_id
            and (gpa.campus_id = schools.school_id or gpa.campus_id = schools.state_school_id)
    left join gpa_types
        on
            gpa.sis = gpa_types.sis
            and gpa.gpa_type_code = gpa_types.source_code
    left join accepted_students
        on
            gpa.district_id = accepted_students.district_id
            and gpa.student_id = accepted_students.student_id

),

checked as (

    select
        *,
        {{ rejection_reason(harmony_snapshot_checks() + [
            ("student_id is null", "'StudentID is missing'"),
            ("student_id is not null and accepted_student_id is null",
                "'StudentID is not an accepted student of the latest students file'"),
            ("gpa_type_code is null", "'GPAType is missing'"),
            ("gpa_type_code is not null and gpa_type is null",
                dbt.concat(["'GPAType '", "gpa_type_code", "' is not a known GPA type'"])),
            ("rows_with_key > 1", "'Student, term and GPA type appear on more than one row'"),
            ("gpa_text is null", "'GPA is missing'"),
            ("gpa_text is not null and gpa_value is null", "'GPA is not a number'"),
            ("gpa_scale_text is null", "'GPAScale is missing'"),
            ("gpa_scale_text is not null and (scale_max is null or scale_max <= 0)",
                "'GPAScale is not a positive number'"),
            ("gpa_value < 0 or gpa_value > scale_max",
                dbt.concat(["'GPA '", "gpa_text", "' is outside its scale 0-'", "gpa_scale_text"])),
            ("credits_text is not null and credits is null", "'CreditsEarned is not a number'"),
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
