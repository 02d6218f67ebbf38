with

courses as (

    select * from {{ ref('int_courses__unioned') }}
    where rejection_reason is null

),

-- A course listed by several buildings (with identical attributes: conflicting listings
-- are rejected upstream) is one course; keep the listing of the lowest building id.
ranked as (

    select
        *,
        row_number() over (
            partition by k_course
            order by school_id, _row_number
        ) as listing_rank
    from courses

),

final as (

    select
        k_course,
        {{ entity_key('k_district') }} as k_district,
        district_id,
        sis,
        school_year,
        course_code,
        course_title,
        credits,
        state_course_code,
        is_ap,
        is_dual_credit,
        is_cte,
        is_honors
    from ranked
    where listing_rank = 1

)

select * from final
