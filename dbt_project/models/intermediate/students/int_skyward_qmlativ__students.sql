-- Skyward Qmlativ students in the common columns, with the row-level rules of DESIGN §7.
-- Grade (a code) is mapped through xwalk_grade_levels; GradeNumeric must agree with it.
-- The export carries no graduation year: the on-time one is derived from the grade.
with

students as (

    select * from {{ ref('stg_skyward_qmlativ__students') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

schools as (

    select * from {{ ref('stg_pathways__district_schools') }}

),

grade_levels as (

    select * from {{ ref('xwalk_grade_levels') }}

),

enrollment_statuses as (

    select * from {{ ref('xwalk_enrollment_statuses') }}

),

with_school_year as (

    select
        *,
        {{ spring_school_year('school_year_text') }} as school_year
    from students

),

joined as (

    select
        with_school_year.*,
        districts.state,
        schools.school_id as registry_school_id,
        grade_levels.grade_level,
        grade_levels.grade_level_number,
        enrollment_statuses.enrollment_status,
        {{ rows_per_key('with_school_year', ['district_id', 'student_id']) }} as rows_with_student_id
    from with_school_year
    left join districts
        on with_school_year.district_id = districts.district_id
    left join schools
        on
            with_school_year.district_id = schools.district_id
            and with_school_year.school_id = schools.school_id
    {{ xwalk_join('grade_levels', 'with_school_year', 'grade_level_code') }}
    {{ xwalk_join('enrollment_statuses', 'with_school_year', 'enrollment_status_code') }}

),

-- graduation_year is the on-time one: the spring of the year the student would finish grade 12
final as (

    {{ entity_select('students', 'joined', student_rules({
        'student_id': 'StudentNumber', 'last_name': 'LastName', 'first_name': 'FirstName',
        'school_id': 'EntityCode', 'grade_level': 'Grade', 'state_student_id': 'StudentTestNumber',
        'birth_date': 'BirthDate', 'enrollment_status': 'IsActive',
    }, known_status='True or False', own={
        'grade_level': [
            parses('GradeNumeric', 'grade_numeric_text', 'grade_numeric', 'a whole number', show_value=true),
            ("grade_numeric <> grade_level_number",
                dbt.concat(["'GradeNumeric '", "grade_numeric_text", "' does not match Grade '", "grade_level_code"])),
        ],
        'birth_date': [
            required('school_year_text', 'SchoolYear'),
            parses('SchoolYear', 'school_year_text', 'school_year', 'a school year', show_value=true),
        ],
    }), {
        'graduation_year': 'cast(school_year + 12 - grade_level_number as ' ~ dbt.type_int() ~ ')',
    }) }}

)

select * from final
