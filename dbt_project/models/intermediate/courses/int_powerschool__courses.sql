-- PowerSchool courses in the common columns, with the row-level rules of DESIGN §7. The
-- catalog is district-wide (no school) and has no school year: a course belongs to the
-- school year of the night it was pulled (district time), as Skyward SMS's crosswalk does.
-- ALT_COURSE_NUMBER is the state course code; AP, dual credit, CTE and honors are not read.
with

courses as (

    select * from {{ ref('stg_powerschool__courses') }}

),

-- a course number listed twice is one course only if both listings agree; the school year
-- is the night's, district time
{{ rule_context('courses', 'powerschool', 'courses', on={'course_listings': ['district_id', 'course_code']},
    school_year=false, key=[], columns=[school_year_of_date(
        'cast(' ~ to_local_timestamp('courses._file_received_at', 'districts.timezone') ~ ' as date)'
    ) ~ ' as school_year']) }},

final as (

    {{ entity_select('courses', 'joined', course_rules({
        'course_code': 'COURSE_NUMBER', 'course_title': 'COURSE_NAME', 'credits': 'CREDIT_HOURS',
        'state_course_code': 'ALT_COURSE_NUMBER',
    }, listed_words='with a different COURSE_NAME, CREDIT_HOURS or ALT_COURSE_NUMBER'), {
        'school_id': none, 'is_ap': none, 'is_dual_credit': none, 'is_cte': none, 'is_honors': none,
    }) }}

)

select * from final
