-- What is this test?
--   For each live district, its latest ingest run (validation.district_runs) ended `ok`:
--   every expected file was received and loaded. Districts whose latest run was
--   `incomplete` (a file rejected, held, stale, unstable or missing) or `failed` (the
--   transfer failed or the run crashed) are listed with the run's message.
-- When is this important to resolve?
--   Within a day: Pathways keeps the district's previous good files (a bad night never
--   replaces a good one), so its data ages until a run ends ok. A held file waits for a
--   person; a failed transfer repeats every night until someone acts.
-- How to resolve?
--   Read the message and load_summary for that run_id. failed: check the district's SFTP
--   server, credentials and host key (registry transfer settings), then re-run. incomplete:
--   rejected or missing files — ask the district to fix and re-send them; held — check the
--   row-count drop with the district, then `pathways release --district ID --file NAME`;
--   stale — the district re-sent an older file than the one in use; unstable — the file was
--   still being written, the next run picks it up.
{{ config(severity='warn') }}

with

district_runs as (

    select
        run_id,
        district_id,
        district_status,
        started_at,
        status,
        message,
        files_received,
        files_loaded,
        files_failed,
        row_number() over (
            partition by district_id
            order by started_at desc, run_id desc
        ) as recency_rank
    from {{ ref('district_runs') }}

)

select
    district_id,
    run_id,
    started_at,
    status,
    message,
    files_received,
    files_loaded,
    files_failed
from district_runs
where
    recency_rank = 1
    and district_status = 'live'
    and status != 'ok'
