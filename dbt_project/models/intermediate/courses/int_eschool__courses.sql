-- eSchool course catalog rows in the common columns: one listing per school year, building
-- and course, with the row-level rules of DESIGN §7.
with

courses as (

    select * from {{ ref('stg_eschool__courses') }}

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

-- A course may be listed by several buildings in a year; it is one course only if every
-- listing agrees on title, credits and state code.
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
    where course_code is not null and school_year is not null
    group by district_id, school_year, course_code

),

building_listings as (

    select
        district_id,
        school_year,
        school_id,
        course_code,
        count(*) as rows_with_key
    from with_school_year
    group by district_id, school_year, school_id, course_code

),

joined as (

    select
        with_school_year.*,
        districts.state,
        course_listings.distinct_listings,
        building_listings.rows_with_key
    from with_school_year
    left join districts
        on with_school_year.district_id = districts.district_id
    left join course_listings
        on
            with_school_year.district_id = course_listings.district_id
            and with_school_year.school_year = course_listings.school_year
            and with_school_year.course_code = course_listings.course_code
    left join building_listings
        on
            with_school_year.district_id = building_listings.district_id
            and with_school_year.school_year = building_listings.school_year
            and with_school_year.school_id = building_listings.school_id
            and with_school_year.course_code = building_listings.course_code

),

checked as (

    select
        *,
        {{ rejection_reason([
            ("school_year_text is null", "'SCHOOL_YEAR is missing'"),
            ("school_year_text is not null and school_year is null",
                dbt.concat(["'SCHOOL_YEAR '", "school_year_text", "' is not a school year'"])),
            ("school_id is null", "'BUILDING is missing'"),
            ("course_code is null", "'COURSE is missing'"),
            ("rows_with_key > 1", "'School year, building and course appear on more than one row'"),
            ("distinct_listings > 1",
                "'COURSE is listed more than once in the school year with a different description, credit or state code'"),
            ("course_title is null", "'DESCRIPTION is missing'"),
            ("credits_text is not null and credits is null", "'CREDIT is not a number'"),
            ("credits < 0", "'CREDIT is negative'"),
            ("not " ~ matches_state_format('state_course_code', 'state', 'course'),
                dbt.concat(["'STATE_CODE '", "state_course_code", "' does not match the '", "state",
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
        cast(null as boolean) as is_ap,
        cast(null as boolean) as is_dual_credit,
        cast(null as boolean) as is_cte,
        cast(null as boolean) as is_honors,
        rejection_reason,
        _dataset,
        _source_file,
        _file_sha256,
        _row_number
    from checked

)

select * from final
