-- Skyward Qmlativ course requests in the common columns, with the row-level rules of
-- DESIGN §7. IsAlternate maps through xwalk_request_types; an alternate carries its
-- AlternateRank (1 = first choice) as request_rank, a primary request has none.
with

course_requests as (

    select * from {{ ref('stg_skyward_qmlativ__course_requests') }}

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
    from {{ ref('int_skyward_qmlativ__students') }}
    where rejection_reason is null

),

with_school_year as (

    select
        *,
        {{ spring_school_year('school_year_text') }} as school_year
    from course_requests

),

joined as (

    select
        with_school_year.*,
        request_types.request_type,
        request_types.is_alternate,
        request_statuses.request_status,
        accepted_students.student_id as accepted_student_id,
        count(*) over (
            partition by
                with_school_year.district_id,
                with_school_year.student_id,
                with_school_year.school_year,
                with_school_year.course_code
        ) as rows_with_course,
        -- two alternates of one student and year must not share a rank
        count(*) over (
            partition by
                with_school_year.district_id,
                with_school_year.student_id,
                with_school_year.school_year,
                request_types.is_alternate,
                with_school_year.alternate_rank
        ) as rows_with_rank
    from with_school_year
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
        {{ rejection_reason([
            ("student_id is null", "'StudentNumber is missing'"),
            ("student_id is not null and accepted_student_id is null",
                "'StudentNumber is not an accepted student of the latest students file'"),
            ("school_year_text is null", "'SchoolYear is missing'"),
            ("school_year_text is not null and school_year is null",
                dbt.concat(["'SchoolYear '", "school_year_text", "' is not a school year'"])),
            ("course_code is null", "'CourseCode is missing'"),
            ("rows_with_course > 1", "'Student, school year and course appear on more than one row'"),
            ("request_type_code is null", "'IsAlternate is missing'"),
            ("request_type_code is not null and request_type is null",
                dbt.concat(["'IsAlternate '", "request_type_code", "' is not True or False'"])),
            ("alternate_rank_text is not null and alternate_rank is null",
                dbt.concat(["'AlternateRank '", "alternate_rank_text", "' is not a whole number'"])),
            ("is_alternate and (alternate_rank is null or alternate_rank < 1)",
                "'An alternate request needs an AlternateRank of 1 or more'"),
            ("not is_alternate and alternate_rank > 0", "'A primary request has an AlternateRank'"),
            ("is_alternate and alternate_rank >= 1 and rows_with_rank > 1",
                dbt.concat(["'AlternateRank '", "alternate_rank_text",
                    "' is given to more than one alternate of the student and school year'"])),
            ("request_status_code is null", "'RequestStatus is missing'"),
            ("request_status_code is not null and request_status is null",
                dbt.concat(["'RequestStatus '", "request_status_code", "' is not a known status'"])),
            ("credits_requested_text is not null and credits_requested is null",
                "'EarnedCreditsRequested is not a number'"),
            ("credits_requested < 0", "'EarnedCreditsRequested is negative'"),
        ]) }} as rejection_reason
    from joined

),

with_rank as (

    select
        *,
        case when is_alternate then alternate_rank end as request_rank
    from checked

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
    from with_rank

)

select * from final
