-- Skyward Qmlativ students in the common columns, with the row-level rules of DESIGN §7.
-- Grade (a code) is mapped through xwalk_grade_levels; GradeNumeric must agree with it.
-- The export carries no graduation year: the on-time one is derived from the grade.
with

students as (

    select * from {{ ref('stg_skyward_qmlativ__students') }}

),

{{ rule_context('students', 'skyward_qmlativ', 'students', school_year=true) }},

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
