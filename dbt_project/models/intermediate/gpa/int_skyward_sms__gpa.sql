-- Skyward SMS GPA in the common columns: cumulative GPA as of a school year, one row per
-- student, school year and GPA type, with the row-level rules of DESIGN §7.
with

gpa as (

    select * from {{ ref('stg_skyward_sms__gpa') }}

),

gpa_types as (

    select * from {{ ref('xwalk_gpa_types') }}

),

accepted_students as (

    {{ accepted_students(ref('int_skyward_sms__students')) }}

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
        accepted_students.student_id as accepted_student_id,
        {{ rows_per_key('with_school_year', [
            'district_id', 'student_id', 'school_year', 'gpa_type_code',
        ]) }} as rows_with_key
    from with_school_year
    {{ xwalk_join('gpa_types', 'with_school_year', 'gpa_type_code') }}
    {{ join_accepted_students('with_school_year') }}

),

final as (

    {{ entity_select('gpa', 'joined', gpa_rules({
        'student_id': 'Other ID', 'school_year': 'School Year', 'gpa_type': 'GPA Type', 'gpa': 'GPA',
        'gpa_scale': 'GPA Scale', 'credits': 'Credits', 'class_rank': 'Class Rank', 'class_size': 'Class Size',
    }), {'term_code': none, 'gpa_scope': "'cumulative'"}) }}

)

select * from final
