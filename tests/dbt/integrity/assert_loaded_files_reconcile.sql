-- What is this test?
--   For every file staging reads now (the latest good file of each district and dataset),
--   the records received must all be accounted for: received = accepted + rejected by a
--   row-level rule + unparseable, and every loaded raw row must have been staged.
-- When is this important to resolve?
--   Immediately: a gap means rows were lost or duplicated between the file and the marts
--   ("nothing is lost silently"), and the district's counts cannot be trusted.
-- How to resolve?
--   Compare the manifest's data_lines / rows_loaded / rows_unparseable with the raw table
--   rows of that _file_sha256 and _dlt_load_id; an ingest bug or a re-run that loaded the
--   same file twice under one load id are the usual causes. Re-run the night once fixed.
{{ config(severity='error') }}

select
    district_id,
    sis,
    dataset,
    file_name,
    rows_received,
    rows_loaded,
    rows_unparseable,
    rows_staged,
    rows_rejected,
    rows_accepted
from {{ ref('load_summary') }}
where
    is_in_use
    and (
        rows_received != rows_accepted + rows_rejected + rows_unparseable
        or rows_loaded != rows_staged
    )
