-- What is this test?
--   Mass-deletion guard: the file in use holds at least var('pathways_min_row_count_ratio')
--   (default half) of the records of the previous good file of the same district and dataset
--   (files ordered like stg_pathways__latest_good_files: name date, mtime, receipt, name).
--   The ingest holds a file back on a tighter, per-dataset threshold; this catches what a
--   person released or what loaded before that guard existed.
-- When is this important to resolve?
--   The same night: a collapsed export (a filter left on, a partial SkyBuild run) makes
--   students, grades or courses disappear from Pathways although the SIS still has them.
-- How to resolve?
--   Ask the district to check the export's filters and re-send the file. If the drop is
--   real (e.g. end of year), acknowledge it; the next night's file resolves the warning.
{{ config(severity='warn') }}

with

loaded_files as (

    select
        district_id,
        sis,
        dataset,
        file_name,
        received_at,
        data_lines,
        row_number() over (
            partition by district_id, sis, dataset
            order by
                file_date desc nulls last,
                file_modified_at desc nulls last,
                received_at desc,
                file_name desc
        ) as recency_rank
    from {{ ref('stg_pathways__file_manifest') }}
    where status = 'loaded'

),

latest as (

    select * from loaded_files
    where recency_rank = 1

),

previous as (

    select * from loaded_files
    where recency_rank = 2

)

select
    latest.district_id,
    latest.sis,
    latest.dataset,
    latest.file_name,
    latest.data_lines,
    previous.file_name as previous_file_name,
    previous.data_lines as previous_data_lines
from latest
inner join previous
    on
        latest.district_id = previous.district_id
        and latest.sis = previous.sis
        and latest.dataset = previous.dataset
where latest.data_lines < previous.data_lines * {{ var('pathways_min_row_count_ratio') }}
