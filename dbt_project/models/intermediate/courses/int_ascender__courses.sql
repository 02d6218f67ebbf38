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

    {{ distinct_listings(
        'with_school_year',
        ['district_id', 'school_year', 'course_code'],
        ['course_title', 'credits', 'state_course_code'],
    ) }}

),

joined as (

    select
        with_school_year.*,
        districts.state,
        districts.state_district_id,
        course_listings.distinct_listings,
        {{ rows_per_key('with_school_year', [
            'district_id', 'school_id', 'school_year', 'course_code',
        ]) }} as rows_with_key
    from with_school_year
    left join districts
        on with_school_year.district_id = districts.district_id
    left join course_listings
        on
            with_school_year.district_id = course_listings.district_id
            and with_school_year.school_year = course_listings.school_year
            and with_school_year.course_code = course_listings.course_code

),

final as (

    {{ entity_select('courses', 'joined', ascender_campus_checks() + course_rules({
        'school_year': 'SchoolYear', 'course_code': 'CourseNbr', 'course_title': 'CourseTitle',
        'credits': 'Credits', 'state_course_code': 'ServiceID',
    }, key_words='Campus, school year and CourseNbr',
        listed_words='in the year with a different title, credits or service ID'), {
        'is_ap': "substring(state_course_code, 1, 1) = 'A'",
        'is_dual_credit': none,
        'is_cte': "substring(state_course_code, 1, 2) = '13'",
        'is_honors': none,
    }) }}

)

select * from final
