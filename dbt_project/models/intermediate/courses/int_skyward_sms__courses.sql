-- Skyward SMS course crosswalk rows in the common columns. The crosswalk has no school
-- year: a course belongs to the school year of the night its file arrived (district time).
with

courses as (

    select * from {{ ref('stg_skyward_sms__courses') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

-- A course key may be listed by several buildings; it is one course only if every listing
-- agrees on title, credits and state code.
course_listings as (

    select
        district_id,
        course_code,
        count(distinct {{ dbt.concat([
            "coalesce(course_title, '')", "'|'",
            "coalesce(cast(credits as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(state_course_code, '')",
        ]) }}) as distinct_listings
    from courses
    where course_code is not null
    group by district_id, course_code

),

joined as (

    select
        courses.*,
        districts.state,
        {{ school_year_of_date(
            'cast(' ~ to_local_timestamp('courses._file_received_at', 'districts.timezone') ~ ' as date)'
        ) }} as school_year,
        course_listings.distinct_listings
    from courses
    left join districts
        on courses.district_id = districts.district_id
    left join course_listings
        on
            courses.district_id = course_listings.district_id
            and courses.course_code = course_listings.course_code

),

checked as (

    select
        *,
        {{ rejection_reason([
            ("school_id is null", "'Entity ID is missing'"),
            ("course_code is null", "'Course Key is missing'"),
            ("distinct_listings > 1",
                "'Course Key is listed more than once with a different description, credit or state course code'"),
            ("course_title is null", "'Course Description is missing'"),
            ("credits_text is not null and credits is null", "'Credit is not a number'"),
            ("credits < 0", "'Credit is negative'"),
            ("not " ~ matches_state_format('state_course_code', 'state', 'course'),
                dbt.concat(["'State Course Code '", "state_course_code", "' does not match the '", "state",
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
