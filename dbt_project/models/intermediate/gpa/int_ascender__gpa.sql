-- Ascender GPA in the common columns: cumulative GPA as of a school year, one row per
-- student, school year and GPA type, with the row-level rules of DESIGN §7. The layout
-- allows the scales 4, 5, 6 and 100 only.
with

gpa as (

    select * from {{ ref('stg_ascender__gpa') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

gpa_types as (

    select * from {{ ref('xwalk_gpa_types') }}

),

accepted_students as (

    {{ accepted_students(ref('int_ascender__students')) }}

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
        districts.state_district_id,
        gpa_types.gpa_type,
        gpa_types.is_weighted,
        accepted_students.student_id as accepted_student_id,
        {{ rows_per_key('with_school_year', [
            'district_id', 'student_id', 'school_year', 'gpa_type_code',
        ]) }} as rows_with_key
    from with_school_year
    left join districts
        on with_school_year.district_id = districts.district_id
    {{ xwalk_join('gpa_types', 'with_school_year', 'gpa_type_code') }}
    {{ join_accepted_students('with_school_year') }}

),

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
