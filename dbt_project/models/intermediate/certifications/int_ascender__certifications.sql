-- Ascender Texas industry-based certifications (IBC) in the common columns, with the
-- row-level rules of DESIGN §7. The vendor is the export's vendor number.
with

certifications as (

    select * from {{ ref('stg_ascender__certifications') }}

),

{{ rule_context('certifications', 'ascender', 'certifications') }},

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
