with

schools as (

    select * from {{ ref('stg_pathways__district_schools') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

grade_level_rows as (

    select * from {{ ref('xwalk_grade_levels') }}
    where sis = 'pathways'

),

-- per district: its own row of a registry grade code wins over the shared one
grade_levels as (

    {{ resolved_crosswalk('grade_level_rows', 'districts', ['grade_level', 'grade_level_number']) }}

),

final as (

    select
        {{ entity_key('k_school', relation='schools') }} as k_school,
        {{ entity_key('k_district', relation='schools') }} as k_district,
        schools.district_id,
        districts.sis,
        schools.school_id,
        schools.state_school_id,
        schools.school_name,
        low_grades.grade_level as grade_low,
        low_grades.grade_level_number as grade_low_number,
        high_grades.grade_level as grade_high,
        high_grades.grade_level_number as grade_high_number
    from schools
    inner join districts
        on schools.district_id = districts.district_id
    left join grade_levels as low_grades
        on
            schools.district_id = low_grades.district_id
            and schools.grade_low_code = low_grades.source_code
    left join grade_levels as high_grades
        on
            schools.district_id = high_grades.district_id
            and schools.grade_high_code = high_grades.source_code

)

select * from final
