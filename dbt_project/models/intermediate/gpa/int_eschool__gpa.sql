-- eSchool GPA in the common columns: the cumulative GPA (CUM_GPA) of a district GPA type as
-- of a school year, through its run term, one row per student, school year and type.
-- The export carries no scale: each GPA type's scale maximum comes from xwalk_gpa_scales.
with

gpa as (

    select * from {{ ref('stg_eschool__gpa') }}

),

{{ rule_context('gpa', 'eschool', 'gpa', lookups=['gpa_types', 'terms', 'gpa_scales', 'accepted_students']) }},

final as (

    {{ entity_select('gpa', 'joined', gpa_rules({
        'student_id': 'STUDENT_ID', 'school_year': 'SCHOOL_YEAR', 'gpa_type': 'GPA_TYPE', 'gpa': 'CUM_GPA',
        'credits': 'CUM_EARN_CREDIT', 'class_rank': 'CUM_RANK', 'class_size': 'CLASS_SIZE',
    }, own={
        'school_year': [maps_to('RUN_TERM_YEAR', 'run_term_code', 'term_code', 'a known term')],
        'gpa_type': [("gpa_type is not null and scale_max is null",
            rule_text('GPA_TYPE', 'gpa_type_code', ' has no scale in xwalk_gpa_scales'))],
        'gpa_range': [
            parses('CUR_GPA', 'current_gpa_text', 'current_gpa_value', 'a number'),
            ("current_gpa_value < 0 or current_gpa_value > scale_max", dbt.concat([
                "'CUR_GPA '", "current_gpa_text", "' is outside its scale 0-'",
                "cast(cast(scale_max as integer) as " ~ dbt.type_string() ~ ")"])),
            parses('CUM_ATT_CREDIT', 'credits_attempted_text', 'credits_attempted', 'a number'),
        ],
        'credits': [not_above('credits', 'CUM_EARN_CREDIT', 'credits_attempted', 'CUM_ATT_CREDIT')],
    }), {'scale_max': 'cast(scale_max as decimal(8, 4))', 'gpa_scope': "'cumulative'"}) }}

)

select * from final
