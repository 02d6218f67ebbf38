-- Skyward SMS GPA in the common columns: cumulative GPA as of a school year, one row per
-- student, school year and GPA type, with the row-level rules of DESIGN §7.
with

gpa as (

    select * from {{ ref('stg_skyward_sms__gpa') }}

),

{{ rule_context('gpa', 'skyward_sms', 'gpa') }},

final as (

    {{ entity_select('gpa', 'joined', gpa_rules({
        'student_id': 'Other ID', 'school_year': 'School Year', 'gpa_type': 'GPA Type', 'gpa': 'GPA',
        'gpa_scale': 'GPA Scale', 'credits': 'Credits', 'class_rank': 'Class Rank', 'class_size': 'Class Size',
    }), {'term_code': none, 'gpa_scope': "'cumulative'"}) }}

)

select * from final
