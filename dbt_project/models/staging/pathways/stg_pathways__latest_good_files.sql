-- The one place that decides which file staging reads per district, SIS and dataset:
-- the latest manifest entry with status 'loaded', by the date in its name (file_date), then
-- its modification time, then received_at, then file_name (DESIGN §9: files of a dataset
-- are ordered by the date in their name, then mtime). Missing, duplicate, rejected, held,
-- stale and unstable files never replace it (DESIGN §3.5).
with

file_manifest as (

    select * from {{ ref('stg_pathways__file_manifest') }}

),

loaded_files as (

    select
        district_id,
        sis,
        dataset,
        file_name,
        file_sha256,
        load_id,
        file_date,
        received_at,
        file_modified_at,
        data_lines,
        rows_loaded,
        rows_unparseable,
        row_number() over (
            partition by district_id, sis, dataset
            order by
                file_date desc nulls last,
                file_modified_at desc nulls last,
                received_at desc,
                file_name desc
        ) as recency_rank
    from file_manifest
    where
        status = 'loaded'
        and load_id is not null

),

final as (

    select
        district_id,
        sis,
        dataset,
        file_name,
        file_sha256,
        load_id,
        file_date,
        received_at,
        file_modified_at,
        data_lines,
        rows_loaded,
        rows_unparseable
    from loaded_files
    where recency_rank = 1

)

select * from final
