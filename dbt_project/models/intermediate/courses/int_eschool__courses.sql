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

    {{ distinct_listings(
        'with_school_year',
        ['district_id', 'school_year', 'course_code'],
        ['course_title', 'credits', 'state_course_code'],
    ) }}

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

final as (

    {{ entity_select('courses', 'joined', course_rules({
        'school_year': 'SCHOOL_YEAR', 'course_code': 'COURSE', 'course_title': 'DESCRIPTION',
        'credits': 'CREDIT', 'state_course_code': 'STATE_CODE',
    }, key_words='School year, building and course',
        listed_words='in the school year with a different description, credit or state code',
        own={'school_year': [required('school_id', 'BUILDING')]}), {
        'is_ap': none, 'is_dual_credit': none, 'is_cte': none, 'is_honors': none,
    }) }}

)

select * from final
