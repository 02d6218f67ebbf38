-- Users data (raw_pathways.users): the district's Pathways accounts, whatever its SIS. The
-- first of the `;`-separated SchoolIDs is the user's home school; `unregistered_school_ids`
-- counts the listed ids that are not schools of the district in the registry (a listed id
-- twice counts once as registered: also a finding).
with

source as (

    {{ latest_good_rows('pathways', 'users') }}

),

schools as (

    select * from {{ ref('stg_pathways__district_schools') }}

),

renamed as (

    select
        -- ids
        _district_id as district_id,
        'pathways' as sis,
        {{ clean_text('user_id') }} as staff_id,
        {{ clean_text('school_i_ds') }} as listed_school_ids,
        nullif(trim({{ dbt.split_part(clean_text('school_i_ds'), "';'", 1) }}), '') as school_id,

        -- strings
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('email') }} as email,
        upper({{ clean_text('role') }}) as staff_role_code,

        -- lineage
        _dataset,
        _source_file,
        _file_sha256,
        _row_number,
        _file_received_at,
        _unclean_columns

    from source

),

-- how many of the listed school ids are schools of the district in the registry (a list
-- is matched as `;id;` inside `;<SchoolIDs>;`, spaces removed: portable, no unnesting)
registered as (

    select
        renamed.district_id,
        renamed._file_sha256,
        renamed._row_number,
        count(schools.school_id) as registered_school_ids
    from renamed
    left join schools
        on
            renamed.district_id = schools.district_id
            and {{ dbt.concat(["';'", "replace(renamed.listed_school_ids, ' ', '')", "';'"]) }}
            like {{ dbt.concat(["'%;'", "schools.school_id", "';%'"]) }}
    group by renamed.district_id, renamed._file_sha256, renamed._row_number

),

final as (

    select
        renamed.*,
        case
            when renamed.listed_school_ids is null then 0
            else
                {{ dbt.length('renamed.listed_school_ids') }}
                - {{ dbt.length("replace(renamed.listed_school_ids, ';', '')") }} + 1
                - registered.registered_school_ids
        end as unregistered_school_ids
    from renamed
    left join registered
        on
            renamed.district_id = registered.district_id
            and renamed._file_sha256 = registered._file_sha256
            and renamed._row_number = registered._row_number

)

select * from final
