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

    {{ distinct_listings(
        'with_school_year',
        ['district_id', 'school_year', 'course_code'],
        ['course_title', 'credits', 'state_course_code', 'is_honors'],
    ) }}

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

final as (

    {{ entity_select('courses', 'joined', course_rules({
        'school_id': 'EntityCode', 'school_year': 'SchoolYear', 'course_code': 'CourseCode',
        'course_title': 'Description', 'credits': 'EarnedCredits', 'state_course_code': 'StateCourseCode',
    }, listed_words='in the school year with a different description, credits, state course code or honors flag')
    + [parses('IsHonors', 'is_honors_text', 'is_honors', 'True or False', show_value=true)], {'is_ap': none, 'is_dual_credit': none, 'is_cte': none}) }}

)

select * from final
