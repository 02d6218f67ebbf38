-- Ascender GPA in the common columns: cumulative GPA as of a school year, one row per
-- student, school year and GPA type, with the row-level rules of DESIGN §7. The layout
-- allows the scales 4, 5, 6 and 100 only.
with

gpa as (

    select * from {{ ref('stg_ascender__gpa') }}

),

{{ rule_context('gpa', 'ascender', 'gpa', lookups=['districts', 'gpa_types', 'accepted_students']) }},

final as (

    {{ entity_select('gpa', 'joined', gpa_rules({
        'student_id': 'StudentID', 'school_year': 'SchoolYear', 'gpa_type': 'GPAType', 'gpa': 'GPA',
        'credits': 'CumCredits', 'class_rank': 'ClassRank', 'class_size': 'ClassSize',
    }, own={
        'student': ascender_campus_checks(),
        'gpa': [
            required('gpa_scale_text', 'GPAScale'),
            parses('GPAScale', 'gpa_scale_text', 'scale_max', '4, 5, 6 or 100', show_value=true,
                invalid='scale_max not in (4, 5, 6, 100)'),
        ],
        'credits': [not_negative('credits', 'CumCredits')],
    }, scale='gpa_scale_text'), {'term_code': none, 'gpa_scope': "'cumulative'"}) }}

)

select * from final
