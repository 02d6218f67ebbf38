-- PowerSchool class rank (CLASSRANK) in the common GPA columns: cumulative GPA as of a
-- school year (YEARID), one row per student, school year and GPA method, with the row-level
-- rules of DESIGN §7. STUDENTID is STUDENTS.ID: it becomes the student number through the
-- students data. The GPA arrives as text (cast in staging); the scale comes with the method
-- from xwalk_gpa_scales; no credits are sent.
with

gpa as (

    select * from {{ ref('stg_powerschool__gpa') }}

),

{{ powerschool_student_numbers() }},

with_student_numbers as (

    {{ powerschool_with_student_numbers('gpa', powerschool_school_year('gpa.school_year_text')) }}

),

-- CLASSRANK carries no credits
{{ rule_context('gpa', 'powerschool', 'with_student_numbers', lookups=['gpa_types', 'gpa_scales'], school_year=false,
    columns=['cast(null as ' ~ dbt.type_string() ~ ') as credits_text', 'cast(null as decimal(8, 3)) as credits']) }},

final as (

    {{ entity_select('gpa', 'joined', gpa_rules({
        'student_id': 'STUDENTID', 'school_year': 'YEARID', 'gpa_type': 'GPAMETHOD', 'gpa': 'GPA',
        'credits': 'credits', 'class_rank': 'RANK', 'class_size': 'OUTOF',
    }, known_type='a known GPAMETHOD', key_words='Student, YEARID and GPAMETHOD', own={
        'student': [powerschool_known_student()],
        'gpa_type': [("gpa_type is not null and scale_max is null",
            rule_text('GPAMETHOD', 'gpa_type_code', ' has no scale in xwalk_gpa_scales'))],
    }), {'student_id': 'student_number', 'term_code': none, 'gpa_scope': "'cumulative'", 'school_id': none}) }}

)

select * from final
