with

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

final as (

    select
        {{ entity_key('k_district') }} as k_district,
        district_id,
        district_name,
        state,
        state_district_id,
        sis,
        transfer_method,
        district_status,
        timezone
    from districts

)

select * from final
