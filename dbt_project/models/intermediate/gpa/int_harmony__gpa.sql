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

    {{ accepted_students(ref('int_harmony__students')) }}

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
        {{ rows_per_key('gpa', ['district_id', 'student_id', 'snapshot_term', 'gpa_type_code']) }} as rows_with_key
    from gpa
    left join schools
        on
            gpa.district_id = schools.district_id
            and (gpa.campus_id = schools.school_id or gpa.campus_id = schools.state_school_id)
    {{ xwalk_join('gpa_types', 'gpa', 'gpa_type_code') }}
    {{ join_accepted_students('gpa') }}

),

final as (

    {{ entity_select('gpa', 'joined', harmony_snapshot_checks() + gpa_rules({
        'student_id': 'StudentID', 'gpa_type': 'GPAType', 'gpa': 'GPA', 'gpa_scale': 'GPAScale',
        'credits': 'CreditsEarned', 'class_rank': 'ClassRank', 'class_size': 'ClassSize',
    }, key_words='Student, term and GPA type'), {'gpa_scope': "'cumulative'"}) }}

)

select * from final
