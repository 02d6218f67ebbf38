-- Skyward Qmlativ GPA in the common columns: cumulative GPA as of a school year, one row
-- per student, school year and GPA method, with the row-level rules of DESIGN §7. The
-- export carries no scale: it comes with the method from xwalk_gpa_scales.
with

gpa as (

    select * from {{ ref('stg_skyward_qmlativ__gpa') }}

),

{{ rule_context('gpa', 'skyward_qmlativ', 'gpa', lookups=['gpa_types', 'gpa_scales', 'accepted_students']) }},

final as (

    {{ entity_select('gpa', 'joined', gpa_rules({
        'student_id': 'StudentNumber', 'school_year': 'SchoolYear', 'gpa_type': 'GPAMethod', 'gpa': 'GPA',
        'credits': 'GPACredits', 'class_rank': 'Rank', 'class_size': 'OutOf',
    }, known_type='a known GPA method', key_words='Student, school year and GPA method', own={
        'gpa_type': [("gpa_type is not null and scale_max is null",
            rule_text('GPAMethod', 'gpa_type_code', ' has no scale in xwalk_gpa_scales'))],
    }), {'term_code': none, 'gpa_scope': "'cumulative'", 'school_id': none}) }}

)

select * from final
