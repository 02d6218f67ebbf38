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
        'school_id': 'Entity ID', 'course_code': 'Course Key', 'course_title': 'Course Description',
        'credits': 'Credit', 'state_course_code': 'State Course Code',
    }, listed_words='with a different description, credit or state course code'), {
        'is_ap': none, 'is_dual_credit': none, 'is_cte': none, 'is_honors': none,
    }) }}

)

select * from final
