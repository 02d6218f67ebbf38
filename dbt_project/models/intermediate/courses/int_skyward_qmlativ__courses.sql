-- Skyward Qmlativ courses in the common columns, one row per building, school year and
-- course, with the row-level rules of DESIGN §7. Qmlativ says whether a course is honors
-- (IsHonors); AP, dual credit and CTE are not in its export.
with

courses as (

    select * from {{ ref('stg_skyward_qmlativ__courses') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

with_school_year as (

    select
        *,
        {{ spring_school_year('school_year_text') }} as school_year
    from courses

),

-- A course code may be offered by several buildings in a year; it is one course only if
-- every listing agrees on title, credits, state code and honors flag.
course_listings as (

    select
        district_id,
        school_year,
        course_code,
        count(distinct {{ dbt.concat([
            "coalesce(course_title, '')", "'|'",
            "coalesce(cast(credits as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(state_course_code, '')", "'|'",
            "coalesce(cast(is_honors as " ~ dbt.type_string() ~ "), '')",
        ]) }}) as distinct_listings
    from with_school_year
    where course_code is not null and school_year is not null
    group by district_id, school_year, course_code

),

joined as (

    select
        with_school_year.*,
        districts.state,
        course_listings.distinct_listings
    from with_school_year
    left join districts
        on with_school_year.district_id = districts.district_id
    left join course_listings
        on
            with_school_year.district_id = course_listings.district_id
            and with_school_year.school_year = course_listings.school_year
            and with_school_year.course_code = course_listings.course_code

),

checked as (

    select
        *,
        {{ rejection_reason([
            ("school_id is null", "'EntityCode is missing'"),
            ("school_year_text is null", "'SchoolYear is missing'"),
            ("school_year_text is not null and school_year is null",
                dbt.concat(["'SchoolYear '", "school_year_text", "' is not a school year'"])),
            ("course_code is null", "'CourseCode is missing'"),
            ("distinct_listings > 1",
                "'CourseCode is listed more than once in the school year with a different description, credits, state course code or honors flag'"),
            ("course_title is null", "'Description is missing'"),
            ("credits_text is not null and credits is null", "'EarnedCredits is not a number'"),
            ("credits < 0", "'EarnedCredits is negative'"),
            ("not " ~ matches_state_format('state_course_code', 'state', 'course'),
                dbt.concat(["'StateCourseCode '", "state_course_code", "' does not match the '", "state",
                    "' format '", state_format_label('state', 'course')])),
            ("is_honors_text is not null and is_honors is null",
                dbt.concat(["'IsHonors '", "is_honors_text", "' is not True or False'"])),
        ]) }} as rejection_reason
    from joined

),

final as (

    select
        {{ pathways_key('district_id', ['school_year', 'course_code']) }} as k_course,
        district_id,
        sis,
        school_year,
        course_code,
        school_id,
        course_title,
        credits,
        state_course_code,
        cast(null as boolean) as is_ap,
        cast(null as boolean) as is_dual_credit,
        cast(null as boolean) as is_cte,
        is_honors,
        rejection_reason,
        _dataset,
        _source_file,
        _file_sha256,
        _row_number
    from checked

)

select * from final
