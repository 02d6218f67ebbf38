-- Harmony course requests of the newest term upload in the common columns: primary
-- requests and alternates (xwalk_request_types), with their status (xwalk_request_statuses).
with

requests as (

    select * from {{ ref('stg_harmony__course_requests') }}

),

schools as (

    select * from {{ ref('stg_pathways__district_schools') }}

),

request_types as (

    select * from {{ ref('xwalk_request_types') }}

),

request_statuses as (

    select * from {{ ref('xwalk_request_statuses') }}

),

accepted_students as (

    select
        district_id,
        student_id
    from {{ ref('int_harmony__students') }}
    where rejection_reason is null

),

with_school_year as (

    select
        *,
        {{ spring_school_year('school_year_text') }} as school_year
    from requests

),

joined as (

    select
        with_school_year.*,
        request_types.request_type,
        request_types.is_alternate,
        request_statuses.request_status,
        accepted_students.student_id as accepted_student_id,
        coalesce(schools.school_id, with_school_year.campus_id) as school_id,
        count(*) over (
            partition by
                with_school_year.district_id,
                with_school_year.student_id,
                with_school_year.school_year,
                with_school_year.course_code
        ) as rows_with_key
    from with_school_year
    left join schools
        on
            with_school_year.district_id = schools.district_id
            and (
                with_school_year.campus_id = schools.school_id
                or with_school_year.campus_id = schools.state_school_id
            )
    left join request_types
        on
            with_school_year.sis = request_types.sis
            and with_school_year.request_type_code = request_types.source_code
    left join request_statuses
        on
            with_school_year.sis = request_statuses.sis
            and with_school_year.request_status_code = request_statuses.source_code
    left join accepted_students
        on
            with_school_year.district_id = accepted_students.district_id
            and with_school_year.student_id = accepted_students.student_id

),

checked as (

    select
        *,
        {{ rejection_reason(harmony_snapshot_checks() + [
            ("student_id is null", "'StudentID is missing'"),
            ("student_id is not null and accepted_student_id is null",
                "'StudentID is not an accepted student of the latest students file'"),
            ("school_year_text is null", "'SchoolYear is missing'"),
            ("school_year_text is not null and school_year is null",
                dbt.concat(["'SchoolYear '", "school_year_text", "' is not a school year'"])),
            ("course_code is null", "'CourseCode is missing'"),
            ("rows_with_key > 1", "'Student, school year and course appear on more than one row'"),
            ("request_type_code is null", "'RequestType is missing'"),
            ("request_type_code is not null and request_type is null",
                dbt.concat(["'RequestType '", "request_type_code", "' is not Primary or Alternate'"])),
            ("request_rank_text is not null and (request_rank is null or request_rank < 1)",
                "'RequestRank is not a positive whole number'"),
            ("request_status_code is null", "'RequestStatus is missing'"),
            ("request_status_code is not null and request_status is null",
                dbt.concat(["'RequestStatus '", "request_status_code", "' is not a known request status'"])),
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
        request_status,
        school_id,
        rejection_reason,
        _dataset,
        _source_file,
        _file_sha256,
        _row_number
    from checked

)

select * from final
