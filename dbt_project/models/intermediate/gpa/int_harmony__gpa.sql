-- Harmony GPA of the newest term upload in the common columns: cumulative GPA as of the
-- upload's Term (`2027_S1` -> school year 2027, term S1), one row per student and GPA type.
with

gpa as (

    select * from {{ ref('stg_harmony__gpa') }}

),

{{ rule_context('gpa', 'harmony', 'gpa', lookups=['schools', 'gpa_types', 'accepted_students'],
    on={'schools': 'campus_id'}, school_year=false, key=['district_id', 'student_id', 'snapshot_term', 'gpa_type_code'],
    columns=['snapshot_school_year as school_year', 'snapshot_term_code as term_code']) }},

final as (

    {{ entity_select('gpa', 'joined', harmony_snapshot_checks() + gpa_rules({
        'student_id': 'StudentID', 'gpa_type': 'GPAType', 'gpa': 'GPA', 'gpa_scale': 'GPAScale',
        'credits': 'CreditsEarned', 'class_rank': 'ClassRank', 'class_size': 'ClassSize',
    }, key_words='Student, term and GPA type'), {'gpa_scope': "'cumulative'"}) }}

)

select * from final
