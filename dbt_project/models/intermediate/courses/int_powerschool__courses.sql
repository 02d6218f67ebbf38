-- PowerSchool courses in the common columns, with the row-level rules of DESIGN §7. The
-- catalog is district-wide (no school) and has no school year: a course belongs to the
-- school year of the night it was pulled (district time), as Skyward SMS's crosswalk does.
-- ALT_COURSE_NUMBER is the state course code; AP, dual credit, CTE and honors are not read.
with

courses as (

    select * from {{ ref('stg_powerschool__courses') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

-- a course number listed twice is one course only if both listings agree
course_listings as (

    {{ distinct_listings(
        'courses',
        ['district_id', 'course_code'],
        ['course_title', 'credits', 'state_course_code'],
    ) }}

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

final as (

    {{ entity_select('courses', 'joined', course_rules({
        'course_code': 'COURSE_NUMBER', 'course_title': 'COURSE_NAME', 'credits': 'CREDIT_HOURS',
        'state_course_code': 'ALT_COURSE_NUMBER',
    }, listed_words='with a different COURSE_NAME, CREDIT_HOURS or ALT_COURSE_NUMBER'), {
        'school_id': none, 'is_ap': none, 'is_dual_credit': none, 'is_cte': none, 'is_honors': none,
    }) }}

)

select * from final
