-- Ascender students in the common columns, with the row-level rules of DESIGN §7. Grade EE
-- (early education) is pre-kindergarten: it maps to PK / -1 through xwalk_grade_levels.
-- A campus the registry does not list is rejected; a CampusID of the wrong shape is left to
-- ascender_campus_checks (one message per problem).
with

students as (

    select * from {{ ref('stg_ascender__students') }}

),

-- school_id is already the 3-digit local campus of either CampusID form
{{ rule_context('students', 'ascender', 'students') }},

-- The campus rules replace the common school rules: a CampusID of the wrong shape is left
-- to ascender_campus_checks (one message per problem).
final as (

    {{ entity_select('students', 'joined', student_rules({
        'student_id': 'StudentID', 'last_name': 'LastName', 'first_name': 'FirstName',
        'grade_level': 'Grade', 'state_student_id': 'TXUniqueStudentID', 'birth_date': 'DOB',
        'graduation_year': 'GradYear', 'enrollment_status': 'EnrollStatus',
    }, own={
        'student': ascender_campus_checks() + [
            ("registry_school_id is null and " ~ regex_matches('campus_id_text', '^[0-9]{3}$|^[0-9]{9}$'),
                rule_text('CampusID', 'campus_id_text', " is not one of the district's campuses in the registry")),
        ],
        'birth_date': [
            parses('EntryDate', 'entry_date_text', 'entry_date', 'a valid MM/DD/YYYY date'),
            parses('WithdrawalDate', 'withdrawal_date_text', 'withdrawal_date', 'a valid MM/DD/YYYY date'),
            ("withdrawal_date < entry_date", "'WithdrawalDate is before EntryDate'"),
        ],
    }), {'counselor_staff_id': none}) }}

)

select * from final
