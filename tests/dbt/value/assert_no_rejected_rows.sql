-- What is this test?
--   Lists every row of tonight's files that was kept out of the marts: lines the parser
--   could not read and rows that failed a row-level rule (required field missing, ID not in
--   the state's format, unknown grade level / term / mark / GPA type, date that does not
--   parse, GPA outside its scale, credits earned above attempted, duplicate rows).
-- When is this important to resolve?
--   Before the district goes live, and whenever the count grows: rejected students are
--   missing from counselors' caseloads, rejected grades from transcripts and GPA checks.
-- How to resolve?
--   Send the district the file name, line number and reason from validation.rejected_rows;
--   they fix the record (or the export) in their SIS and the next nightly file corrects it.
--   An unknown code that is legitimate is added to the crosswalk seed instead: as a row
--   naming the district (district_id) when the code is the district's own.
{{ config(severity='warn') }}

select
    rejected_rows.district_id,
    rejected_rows.sis,
    rejected_rows.dataset,
    rejected_rows.source_file,
    rejected_rows.row_number,
    rejected_rows.rejection_stage,
    rejected_rows.reason
from {{ ref('rejected_rows') }} as rejected_rows
inner join {{ ref('load_summary') }} as load_summary
    on
        rejected_rows.district_id = load_summary.district_id
        and rejected_rows.file_sha256 = load_summary.file_sha256
where load_summary.is_in_use
