-- Harmony students of the newest term upload in the common columns, with the row-level
-- rules of DESIGN §7. CampusID arrives as the local id or the TX campus id: both resolve
-- to the registry's school id.
with

students as (

    select * from {{ ref('stg_harmony__students') }}

),

{{ rule_context('students', 'harmony', 'students', on={'schools': 'campus_id'}) }},

final as (

    {{ entity_select('students', 'joined', harmony_snapshot_checks() + student_rules({
        'student_id': 'StudentID', 'last_name': 'LastName', 'first_name': 'FirstName',
        'grade_level': 'GradeLevel', 'state_student_id': 'StateID', 'birth_date': 'BirthDate',
        'graduation_year': 'GraduationYear', 'enrollment_status': 'EnrollmentStatus',
    }, date_format='YYYY-MM-DD', own={
        'student': [
            required('campus_id', 'CampusID'),
            ("campus_id is not null and registry_school_id is null", rule_text('CampusID', 'campus_id',
                " is neither the local nor the TX campus id of a school of the district in the registry")),
        ],
    })) }}

)

select * from final
