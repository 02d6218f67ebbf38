-- eSchool course requests in the common columns. REQUEST_TYPE maps through
-- xwalk_request_types; an alternate must name (ALT_TO_REQUEST) a primary request of the
-- same student and year and carry its order (ALTERNATE_SEQUENCE), which becomes
-- request_rank (0 for a primary). The export has no status: every row is 'requested'.
with

requests as (

    select * from {{ ref('stg_eschool__course_requests') }}

),

request_types as (

    select * from {{ ref('xwalk_request_types') }}

),

accepted_students as (

    select
        district_id,
        student_id
    from {{ ref('int_eschool__students') }}
    where rejection_reason is null

),

typed as (

    select
        requests.*,
        {{ spring_school_year('requests.school_year_text') }} as school_year,
        request_types.request_type,
        request_types.is_alternate
    from requests
    left join request_types
        on
            requests.sis = request_types.sis
            and requests.request_type_code = request_types.source_code

),

primary_requests as (

    select distinct
        district_id,
        student_id,
        school_year,
        course_code
    from typed
    where request_type = 'primary'

),

joined as (

    select
        typed.*,
        accepted_students.student_id as accepted_student_id,
        primary_requests.course_code as primary_course_code,
        count(*) over (
            partition by
                typed.district_id,
                typed.student_id,
                typed.school_year,
                typed.course_code
        ) as rows_with_key
    from typed
    left join accepted_students
        on
            typed.district_id = accepted_students.district_id
            and typed.student_id = accepted_students.student_id
    left join primary_requests
        on
            typed.district_id = primary_requests.district_id
            and typed.student_id = primary_requests.student_id
            and typed.school_year = primary_requests.school_year
            and typed.alternate_to_course_code = primary_requests.course_code

),

checked as (

    select
        *,
        {{ rejection_reason([
            ("student_id is null", "'STUDENT_ID is missing'"),
            ("student_id is not null and accepted_student_id is null",
                "'STUDENT_ID is not an accepted student of the latest students file'"),
            ("school_year_text is null", "'SCHOOL_YEAR is missing'"),
            ("school_year_text is not null and school_year is null",
                dbt.concat(["'SCHOOL_YEAR '", "school_year_text", "' is not a school year'"])),
            ("course_code is null", "'COURSE is missing'"),
            ("request_type_code is null", "'REQUEST_TYPE is missing'"),
            ("request_type_code is not null and request_type is null",
                dbt.concat(["'REQUEST_TYPE '", "request_type_code", "' is not a known request type'"])),
            ("rows_with_key > 1", "'Student, school year and course appear on more than one row'"),
            ("is_alternate and alternate_to_course_code is null",
                "'An alternate names no ALT_TO_REQUEST'"),
            ("is_alternate and alternate_to_course_code is not null and primary_course_code is null",
                dbt.concat(["'ALT_TO_REQUEST '", "alternate_to_course_code",
                    "' is not a primary request of the student for the school year'"])),
            ("is_alternate and (alternate_sequence is null or alternate_sequence < 1)",
                "'ALTERNATE_SEQUENCE of an alternate is not a positive whole number'"),
            ("not is_alternate and (alternate_to_course_code is not null or alternate_sequence_text is not null)",
                "'A primary request carries ALT_TO_REQUEST or ALTERNATE_SEQUENCE'"),
        ]) }} as rejection_reason
    from joined

),

final as (

    select
        {{ pathways_key('district_id', ['student_id', 'school_year', 'course_code']) }} as k_course_request,
        {{ pathways_key('district_id', ['student_id']) }} as k_student,
        {{ pathways_key('district_id', ['school_year', 'course_code']) }} as k_course,
        district_id,
        sis,
        student_id,
        school_year,
        course_code,
        case
            when is_alternate then alternate_sequence
            when not is_alternate then 0
        end as request_rank,
        is_alternate,
        'requested' as request_status,
        school_id,
        rejection_reason,
        _dataset,
        _source_file,
        _file_sha256,
        _row_number
    from checked

)

select * from final
