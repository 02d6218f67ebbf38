-- Harmony course catalog of the newest term upload in the common columns. A course belongs
-- to the school year of its upload's Term (`2027_S1` -> 2027).
with

courses as (

    select * from {{ ref('stg_harmony__courses') }}

),

-- A course code may be listed by several campuses; it is one course only if every listing
-- agrees on title, credits and service id.
{{ rule_context('courses', 'harmony', 'courses', lookups=['districts', 'schools', 'course_listings'],
    on={'schools': 'campus_id', 'course_listings': ['district_id', 'course_code']},
    school_year=false, key=[], columns=['snapshot_school_year as school_year']) }},

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

final as (

    {{ entity_select('courses', 'flagged', harmony_snapshot_checks() + course_rules({
        'school_id': 'CampusID', 'course_code': 'CourseCode', 'course_title': 'CourseTitle',
        'credits': 'Credits', 'state_course_code': 'ServiceID',
    }, listed_words='with a different title, credits or service id') + [
        parses('IsAP', 'is_ap_code', 'is_ap', 'Y or N'),
        parses('IsDualCredit', 'is_dual_credit_code', 'is_dual_credit', 'Y or N'),
        parses('IsCTE', 'is_cte_code', 'is_cte', 'Y or N'),
        parses('IsHonors', 'is_honors_code', 'is_honors', 'Y or N'),
    ]) }}

)

select * from final
