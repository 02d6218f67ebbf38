-- eSchool GPA in the common columns: the cumulative GPA (CUM_GPA) of a district GPA type as
-- of a school year, through its run term, one row per student, school year and type.
-- The export carries no scale: each GPA type's scale maximum comes from xwalk_gpa_scales.
with

gpa as (

    select * from {{ ref('stg_eschool__gpa') }}

),

gpa_types as (

    select * from {{ ref('xwalk_gpa_types') }}

),

terms as (

    select * from {{ ref('xwalk_terms') }}

),

accepted_students as (

    {{ accepted_students(ref('int_eschool__students')) }}

),

-- the scale maximum of each GPA type code
gpa_scales as (

    select
        source_code as gpa_type_code,
        cast(scale_max as decimal(8, 4)) as scale_max
    from {{ ref('xwalk_gpa_scales') }}
    where sis = 'eschool'

),

with_school_year as (

    select
        gpa.*,
        gpa_scales.scale_max,
        {{ spring_school_year('gpa.school_year_text') }} as school_year
    from gpa
    left join gpa_scales
        on gpa.gpa_type_code = gpa_scales.gpa_type_code

),

joined as (

    select
        with_school_year.*,
        gpa_types.gpa_type,
        gpa_types.is_weighted,
        terms.term_code,
        accepted_students.student_id as accepted_student_id,
        {{ rows_per_key('with_school_year', [
            'district_id', 'student_id', 'school_year', 'gpa_type_code',
        ]) }} as rows_with_key
    from with_school_year
    {{ xwalk_join('gpa_types', 'with_school_year', 'gpa_type_code') }}
    {{ xwalk_join('terms', 'with_school_year', 'run_term_code') }}
    {{ join_accepted_students('with_school_year') }}

),

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
    }), {'gpa_scope': "'cumulative'"}) }}

)

select * from final
