-- Skyward Qmlativ GPA in the common columns: cumulative GPA as of a school year, one row
-- per student, school year and GPA method, with the row-level rules of DESIGN §7. The
-- export carries no scale: it comes with the method from xwalk_gpa_scales.
with

gpa as (

    select * from {{ ref('stg_skyward_qmlativ__gpa') }}

),

gpa_types as (

    select * from {{ ref('xwalk_gpa_types') }}

),

gpa_scales as (

    select * from {{ ref('xwalk_gpa_scales') }}

),

accepted_students as (

    {{ accepted_students(ref('int_skyward_qmlativ__students')) }}

),

with_school_year as (

    select
        *,
        {{ spring_school_year('school_year_text') }} as school_year
    from gpa

),

joined as (

    select
        with_school_year.*,
        gpa_types.gpa_type,
        gpa_types.is_weighted,
        gpa_scales.scale_max,
        accepted_students.student_id as accepted_student_id,
        {{ rows_per_key('with_school_year', [
            'district_id', 'student_id', 'school_year', 'gpa_type_code',
        ]) }} as rows_with_key
    from with_school_year
    {{ xwalk_join('gpa_types', 'with_school_year', 'gpa_type_code') }}
    {{ xwalk_join('gpa_scales', 'with_school_year', 'gpa_type_code') }}
    {{ join_accepted_students('with_school_year') }}

),

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
