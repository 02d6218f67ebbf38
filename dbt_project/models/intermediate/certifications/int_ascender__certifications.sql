-- Ascender Texas industry-based certifications (IBC) in the common columns, with the
-- row-level rules of DESIGN §7. The vendor is the export's vendor number.
with

certifications as (

    select * from {{ ref('stg_ascender__certifications') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

accepted_students as (

    select
        district_id,
        student_id
    from {{ ref('int_ascender__students') }}
    where rejection_reason is null

),

joined as (

    select
        certifications.*,
        districts.state,
        districts.state_district_id,
        accepted_students.student_id as accepted_student_id,
        count(*) over (
            partition by
                certifications.district_id,
                certifications.student_id,
                certifications.certification_code,
                certifications.earned_date
        ) as rows_with_key
    from certifications
    left join districts
        on certifications.district_id = districts.district_id
    left join accepted_students
        on
            certifications.district_id = accepted_students.district_id
            and certifications.student_id = accepted_students.student_id

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
            ("certification_code is null", "'CertificationCode is missing'"),
            ("not " ~ matches_state_format('certification_code', 'state', 'certification'),
                dbt.concat(["'CertificationCode '", "certification_code", "' does not match the '", "state",
                    "' format '", state_format_label('state', 'certification')])),
            ("earned_date_text is null", "'DateEarned is missing'"),
            ("earned_date_text is not null and earned_date is null",
                dbt.concat(["'DateEarned '", "earned_date_text", "' is not a valid MM/DD/YYYY date'"])),
            ("exam_fee_text is not null and (exam_fee is null or exam_fee < 0)",
                "'ExamFee is not a non-negative amount'"),
            ("rows_with_key > 1", "'Student, certification and date earned appear on more than one row'"),
        ]) }} as rejection_reason
    from joined

),

final as (

    select
        {{ pathways_key('district_id', ['student_id', 'certification_code', 'earned_date']) }}
            as k_student_certification,
        {{ pathways_key('district_id', ['student_id']) }} as k_student,
        district_id,
        sis,
        student_id,
        certification_code,
        certification_name,
        vendor,
        result,
        earned_date,
        rejection_reason,
        _dataset,
        _source_file,
        _file_sha256,
        _row_number
    from checked

)

select * from final
