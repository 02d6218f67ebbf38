-- What is this test?
--   Compares each line of the district's Data Validation Worksheet (students per school and
--   grade, staff, courses, course requests, grades, GPA) with what the marts hold, for
--   districts with status `onboarding`: every line whose difference is beyond its tolerance_pct
--   (validation.worksheet_comparison).
-- When is this important to resolve?
--   While the district is onboarding (a warning): the integration engineer and the district
--   resolve every line before the district is approved for training.
-- How to resolve?
--   For each line, compare expected_count with actual_count: when the data is short, check
--   validation.rejected_rows and the district's export filters (a school, grade or term left
--   out of the export); when the worksheet is wrong, the district corrects
--   seeds/worksheets/<district_id>.csv (line line_number) and the next run reloads it.
{{ config(severity='warn') }}

{{ worksheet_lines_beyond_tolerance('onboarding') }}
