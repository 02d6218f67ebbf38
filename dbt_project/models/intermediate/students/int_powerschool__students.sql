-- PowerSchool students in the common columns, with the row-level rules of DESIGN §7.
-- STUDENT_NUMBER is the student id (STUDENTS.ID stays in staging for the other queries).
-- GRADE_LEVEL (a number, negative for pre-K) and ENROLL_STATUS map through crosswalks.
-- SCHOOLID 999999 (var pathways_powerschool_graduated_school_id) is where PowerSchool puts
-- graduated students: not a school, so not rejected as one, and no school in the model.
-- The query carries no graduation year: the on-time one is derived from the grade.
with

students as (

    select * from {{ ref('stg_powerschool__students') }}

),

{{ rule_context('students', 'powerschool', 'students', columns=[
    "coalesce(students.school_id = '" ~ var('pathways_powerschool_graduated_school_id')
        ~ "' and enrollment_statuses.enrollment_status = 'graduated', false) as is_graduated_out",
    school_year_of_date('cast(' ~ to_local_timestamp('students._file_received_at', 'districts.timezone') ~ ' as date)')
        ~ ' as pulled_school_year',
    rows_per_key('students', ['district_id', 'powerschool_student_id']) ~ ' as rows_with_powerschool_id',
]) }},

-- The school rules are the common ones but for the graduated (SCHOOLID 999999). The
-- graduation year is the on-time one: the spring of the year the student would finish
-- grade 12, counted from the school year of the pull; NULL for a graduated student (the
-- grade no longer advances and the year of graduation is not sent).
final as (

    {{ entity_select('students', 'joined', student_rules({
        'student_id': 'STUDENT_NUMBER', 'last_name': 'LAST_NAME', 'first_name': 'FIRST_NAME',
        'grade_level': 'GRADE_LEVEL', 'state_student_id': 'STATE_STUDENTNUMBER',
        'birth_date': 'DOB', 'enrollment_status': 'ENROLL_STATUS',
    }, known_status='a known ENROLL_STATUS (-1, 0, 1, 2, 3)', date_format='YYYY-MM-DD', own={
        'student': [
            required('powerschool_student_id', 'ID'),
            unique_value('powerschool_student_id', 'ID', 'rows_with_powerschool_id'),
        ],
        'school': [
            required('school_id', 'SCHOOLID'),
            ("school_id is not null and registry_school_id is null and not is_graduated_out",
                rule_text('SCHOOLID', 'school_id', " is not one of the district's schools in the registry")),
        ],
    }), {
        'school_id': 'case when not is_graduated_out then school_id end',
        'counselor_staff_id': none,
        'graduation_year': "case when enrollment_status <> 'graduated' then "
            ~ "cast(pulled_school_year + 12 - grade_level_number as " ~ dbt.type_int() ~ ") end",
    }) }}

)

select * from final
