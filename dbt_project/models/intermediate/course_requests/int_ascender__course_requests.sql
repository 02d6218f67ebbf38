-- Ascender course requests in the common columns, with the row-level rules of DESIGN §7.
-- RequestType maps through xwalk_request_types (P primary, A alternate). An alternate's
-- rank is its AltPriority (1 = first alternate); a primary request has no rank. The export
-- has no status: every row is a student's request.
with

requests as (

    select * from {{ ref('stg_ascender__course_requests') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

request_types as (

    select * from {{ ref('xwalk_request_types') }}

),

terms as (

    select * from {{ ref('xwalk_terms') }}

),

accepted_students as (

    select
        district_id,
        student_id
    from {{ ref('int_ascender__students') }}
    where rejection_reason is null

),

with_rank as (

    select
        requests.*,
        {{ spring_school_year('requests.school_year_text') }} as school_year,
        request_types.request_type,
        request_types.is_alternate,
        case when request_types.is_alternate then requests.alt_priority end as request_rank
    from requests
    left join request_types
        on
            requests.sis = request_types.sis
            and requests.request_type_code = request_types.source_code

),

joined as (

    select
        with_rank.*,
        districts.state,
        districts.state_district_id,
        terms.term_code as mapped_semester_code,
        accepted_students.student_id as accepted_student_id,
        count(*) over (
            partition by
                with_rank.district_id,
                with_rank.student_id,
                with_rank.school_year,
                with_rank.course_code,
                with_rank.request_rank
        ) as rows_with_key
    from with_rank
    left join districts
        on with_rank.district_id = districts.district_id
    left join terms
        on
            with_rank.sis = terms.sis
            and with_rank.semester_code = terms.source_code
    left join accepted_students
        on
            with_rank.district_id = accepted_students.district_id
            and with_rank.student_id = accepted_students.student_id

),

checked as (

    select
        *,
        {{ rejection_reason([
            ("student_id is null", "'StudentID is missing'"),
            ("student_id is not null and accepted_student_id is null",
                "'StudentID is not an accepted student of the latest students file'"),
        ] + ascender_campus_checks() + [
            ("school_year_text is null", "'SchoolYear is missing'"),
            ("school_year_text is not null and school_year is null",
                dbt.concat(["'SchoolYear '", "school_year_text", "' is not a school year'"])),
            ("course_code is null", "'CourseNbr is missing'"),
            ("request_type_code is null", "'RequestType is missing'"),
            ("request_type_code is not null and request_type is null",
                dbt.concat(["'RequestType '", "request_type_code", "' is not P or A'"])),
            ("alt_priority_text is not null and (alt_priority is null or alt_priority < 1)",
                dbt.concat(["'AltPriority '", "alt_priority_text", "' is not a positive whole number'"])),
            ("is_alternate and alt_priority_text is null", "'AltPriority is missing on an alternate request'"),
            ("semester_code is not null and mapped_semester_code is null",
                dbt.concat(["'Semester '", "semester_code", "' is not a known term'"])),
            ("not " ~ matches_state_format('state_course_code', 'state', 'course'),
                dbt.concat(["'ServiceID '", "state_course_code", "' does not match the '", "state",
                    "' format '", state_format_label('state', 'course')])),
            ("rows_with_key > 1",
                "'Student, school year, course and alternate rank appear on more than one row'"),
        ]) }} as rejection_reason
    from joined

),

final as (

    select
        {{ pathways_key('district_id', ['student_id', 'school_year', 'course_code', 'request_rank']) }}
            as k_course_request,
        {{ pathways_key('district_id', ['student_id']) }} as k_student,
        {{ pathways_key('district_id', ['school_year', 'course_code']) }} as k_course,
        district_id,
        sis,
        student_id,
        school_year,
        course_code,
        request_rank,
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
