-- Skyward SMS Texas industry-based certifications (IBC) in the common columns, with the
-- row-level rules of DESIGN §7.
with

certifications as (

    select * from {{ ref('stg_skyward_sms__certifications') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

accepted_students as (

    {{ accepted_students(ref('int_skyward_sms__students')) }}

),

joined as (

    select
        certifications.*,
        districts.state,
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
        'student_id': 'Other ID', 'state_student_id': 'State ID',
        'certification_code': 'Certification Code', 'earned_date': 'Date Earned',
    })) }}

)

select * from final
