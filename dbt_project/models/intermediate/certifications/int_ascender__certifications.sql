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

    {{ accepted_students(ref('int_ascender__students')) }}

),

joined as (

    select
        certifications.*,
        districts.state,
        districts.state_district_id,
        accepted_students.student_id as accepted_student_id,
        {{ rows_per_key('certifications', ['district_id', 'student_id', 'certification_code', 'earned_date']) }}
            as rows_with_key
    from certifications
    left join districts
        on certifications.district_id = districts.district_id
    {{ join_accepted_students('certifications') }}

),

final as (

    {{ entity_select('certifications', 'joined', certification_rules({
        'student_id': 'StudentID', 'state_student_id': 'TXUniqueStudentID',
        'certification_code': 'CertificationCode', 'earned_date': 'DateEarned',
    }, own={
        'student': ascender_campus_checks(),
        'earned_date': [parses('ExamFee', 'exam_fee_text', 'exam_fee', 'a non-negative amount', invalid='exam_fee < 0')],
    })) }}

)

select * from final
