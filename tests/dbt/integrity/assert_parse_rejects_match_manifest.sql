-- What is this test?
--   The number of distinct unparseable lines kept in pathways_meta.parse_rejects for a file
--   equals the rows_unparseable the manifest reports for it.
-- When is this important to resolve?
--   Before trusting the load summary: a mismatch means unreadable lines were counted but not
--   kept (or kept twice), so the district cannot be told which lines to fix.
-- How to resolve?
--   Check the ingest's store_rejects handling for that file (file_name, file_sha256); re-load
--   the file after fixing the ingest.
{{ config(severity='warn') }}

with

file_manifest as (

    select * from {{ ref('stg_pathways__file_manifest') }}
    where status = 'loaded'

),

parse_rejects as (

    select
        district_id,
        file_sha256,
        count(distinct line_number) as lines_rejected
    from {{ ref('stg_pathways__parse_rejects') }}
    group by district_id, file_sha256

)

select
    file_manifest.district_id,
    file_manifest.dataset,
    file_manifest.file_name,
    file_manifest.rows_unparseable,
    coalesce(parse_rejects.lines_rejected, 0) as lines_rejected
from file_manifest
left join parse_rejects
    on
        file_manifest.district_id = parse_rejects.district_id
        and file_manifest.file_sha256 = parse_rejects.file_sha256
where coalesce(file_manifest.rows_unparseable, 0) != coalesce(parse_rejects.lines_rejected, 0)
