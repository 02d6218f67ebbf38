-- Harmony course catalog of the newest term upload in the common columns. A course belongs
-- to the school year of its upload's Term (`2027_S1` -> 2027).
with

courses as (

    select * from {{ ref('stg_harmony__courses') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

schools as (

    select * from {{ ref('stg_pathways__district_schools') }}

),

-- A course code may be listed by several campuses; it is one course only if every listing
-- agrees on title, credits and service id.
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
        courses.snapshot_school_year as school_year,
        course_listings.distinct_listings,
        coalesce(schools.school_id, courses.campus_id) as school_id
    from courses
    left join districts
        on courses.district_id = districts.district_id
    left join schools
        on
            courses.district_id = schools.district_id
            and (courses.campus_id = schools.school_id or courses.campus_id = schools.state_school_id)
    left join course_listings
        on
            courses.district_id = course_listings.district_id
            and courses.course_code = course_listings.course_code

),

-- Flags are Y/N (Yes/No, True/False and 1/0 are read too); anything else is rejected.
flagged as (

    select
        *,
        case
            when is_ap_code in ('Y', 'YES', 'TRUE', '1') then true
            when is_ap_code in ('N', 'NO', 'FALSE', '0') then false
        end as is_ap,
        case
            when is_dual_credit_code in ('Y', 'YES', 'TRUE', '1') then true
            when is_dual_credit_code in ('N', 'NO', 'FALSE', '0') then false
        end as is_dual_credit,
        case
            when is_cte_code in ('Y', 'YES', 'TRUE', '1') then true
            when is_cte_code in ('N', 'NO', 'FALSE', '0') then false
        end as is_cte,
        case
            when is_honors_code in ('Y', 'YES', 'TRUE', '1') then true
            when is_honors_code in ('N', 'NO', 'FALSE', '0') then false
        end as is_honors
    from joined

),

checked as (

    select
        *,
        {{ rejection_reason(harmony_snapshot_checks() + [
            ("campus_id is null", "'CampusID is missing'"),
            ("course_code is null", "'CourseCode is missing'"),
            ("distinct_listings > 1",
                "'CourseCode is listed more than once with a different title, credits or service id'"),
            ("course_title is null", "'CourseTitle is missing'"),
            ("credits_text is not null and credits is null", "'Credits is not a number'"),
            ("credits < 0", "'Credits is negative'"),
            ("not " ~ matches_state_format('state_course_code', 'state', 'course'),
                dbt.concat(["'ServiceID '", "state_course_code", "' does not match the '", "state",
                    "' format '", state_format_label('state', 'course')])),
            ("is_ap_code is not null and is_ap is null", "'IsAP is not Y or N'"),
            ("is_dual_credit_code is not null and is_dual_credit is null", "'IsDualCredit is not Y or N'"),
            ("is_cte_code is not null and is_cte is null", "'IsCTE is not Y or N'"),
            ("is_honors_code is not null and is_honors is null", "'IsHonors is not Y or N'"),
        ]) }} as rejection_reason
    from flagged

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
        is_ap,
        is_dual_credit,
        is_cte,
        is_honors,
        rejection_reason,
        _dataset,
        _source_file,
        _file_sha256,
        _row_number
    from checked

)

select * from final
