-- What is this test?
--   For each district and dataset, the most recent manifest entry (tonight's file) was
--   loaded. Missing, rejected, duplicate, held, stale or unstable nights are listed with
--   the manifest's reason.
-- When is this important to resolve?
--   Within a day or two: Pathways keeps showing the previous good file (a bad night never
--   replaces a good one), so the data ages until a good file arrives.
-- How to resolve?
--   missing: the district's export or SFTP job did not run — ask them to check the
--   scheduled task. rejected: fix what the reason says (header, encoding, truncated file,
--   collapsed row count) and re-send. duplicate: the export re-sent yesterday's content.
--   held: a suspicious row-count drop — check it with the district, then release the file
--   (`pathways release --district ID --file NAME`) or ask for a new one. stale: the file
--   is older than the one in use (a late re-send); nothing to do unless it was meant to
--   replace it. unstable: the file was still being written; the next run picks it up.
{{ config(severity='warn') }}

with

file_manifest as (

    select
        district_id,
        sis,
        dataset,
        file_name,
        status,
        reason,
        received_at,
        row_number() over (
            partition by district_id, sis, dataset
            order by received_at desc, file_name desc
        ) as recency_rank
    from {{ ref('stg_pathways__file_manifest') }}

)

select
    district_id,
    sis,
    dataset,
    file_name,
    status,
    reason,
    received_at
from file_manifest
where
    recency_rank = 1
    and status != 'loaded'
