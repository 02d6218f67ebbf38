-- Skyward SMS Texas industry-based certifications (IBC) in the common columns, with the
-- row-level rules of DESIGN §7.
with

certifications as (

    select * from {{ ref('stg_skyward_sms__certifications') }}

),

{{ rule_context('certifications', 'skyward_sms', 'certifications') }},

final as (

    {{ entity_select('certifications', 'joined', certification_rules({
        'student_id': 'Other ID', 'state_student_id': 'State ID',
        'certification_code': 'Certification Code', 'earned_date': 'Date Earned',
    })) }}

)

select * from final
