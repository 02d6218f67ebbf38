-- Ascender courses in the common columns, with the row-level rules of DESIGN §7. The
-- COURSES export carries its school year. PEIMS service IDs tell two flags: AP courses'
-- IDs start with `A`, career and technical education (CTE) IDs with `13`.
with

courses as (

    select * from {{ ref('stg_ascender__courses') }}

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

-- A course number may be listed by several campuses in a year; it is one course only if
-- every listing agrees on title, credits and service ID.
course_listings as (

    select
        district_id,
        school_year,
        course_code,
        count(distinct {{ dbt.concat([
            "coalesce(course_title, '')", "'|'",
            "coalesce(cast(credits as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(state_course_code, '')",
        ]) }}) as distinct_listings
    from with_school_year
    where course_code is not null
    group by district_id, school_year, course_code

),

joined as (

    select
        with_school_year.*,
        districts.state,
        districts.state_district_id,
        course_listings.distinct_listings,
        count(*) over (
            partition by
                with_school_year.district_id,
                with_school_year.school_id,
                with_school_year.school_year,
                with_school_year.course_code
        ) as rows_with_key
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
        {{ rejection_reason(ascender_campus_checks() + [
            ("school_year_text is null", "'SchoolYear is missing'"),
            ("school_year_text is not null and school_year is null",
                dbt.concat(["'SchoolYear '", "school_year_text", "' is not a school year'"])),
            ("course_code is null", "'CourseNbr is missing'"),
            ("rows_with_key > 1", "'Campus, school year and CourseNbr appear on more than one row'"),
            ("distinct_listings > 1",
                "'CourseNbr is listed more than once in the year with a different title, credits or service ID'"),
            ("course_title is null", "'CourseTitle is missing'"),
            ("credits_text is not null and credits is null", "'Credits is not a number'"),
            ("credits < 0", "'Credits is negative'"),
            ("not " ~ matches_state_format('state_course_code', 'state', 'course'),
                dbt.concat(["'ServiceID '", "state_course_code", "' does not match the '", "state",
                    "' format '", state_format_label('state', 'course')])),
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
        substring(state_course_code, 1, 1) = 'A' as is_ap,
        cast(null as boolean) as is_dual_credit,
        substring(state_course_code, 1, 2) = '13' as is_cte,
        cast(null as boolean) as is_honors,
        rejection_reason,
        _dataset,
        _source_file,
        _file_sha256,
        _row_number
    from checked

)

select * from final
