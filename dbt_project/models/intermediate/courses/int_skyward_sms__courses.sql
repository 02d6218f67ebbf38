-- Skyward SMS course crosswalk rows in the common columns. The crosswalk has no school
-- year: a course belongs to the school year of the night its file arrived (district time).
with

courses as (

    select * from {{ ref('stg_skyward_sms__courses') }}

),

-- A course key may be listed by several buildings; it is one course only if every listing
-- agrees on title, credits and state code. The school year is the night's, district time.
{{ rule_context('courses', 'skyward_sms', 'courses', on={'course_listings': ['district_id', 'course_code']},
    school_year=false, key=[], columns=[school_year_of_date(
        'cast(' ~ to_local_timestamp('courses._file_received_at', 'districts.timezone') ~ ' as date)'
    ) ~ ' as school_year']) }},

final as (

    {{ entity_select('courses', 'joined', course_rules({
        'school_id': 'Entity ID', 'course_code': 'Course Key', 'course_title': 'Course Description',
        'credits': 'Credit', 'state_course_code': 'State Course Code',
    }, listed_words='with a different description, credit or state course code'), {
        'is_ap': none, 'is_dual_credit': none, 'is_cte': none, 'is_honors': none,
    }) }}

)

select * from final
