-- What is this test?
--   Every file of each district's latest night arrived before the 2 a.m. cutoff in the
--   district's own time zone (var('pathways_cutoff_hour')).
-- When is this important to resolve?
--   When it repeats: a late file misses the nightly run and Pathways shows data one day
--   older than counselors expect.
-- How to resolve?
--   Ask the district to move their scheduled export / SFTP upload earlier (it must finish
--   before 2 a.m. local time), or check that the district's time zone in districts.yml is
--   right.
{{ config(severity='warn') }}

with

load_summary as (

    select * from {{ ref('load_summary') }}

),

latest_night as (

    select
        district_id,
        max(cast(received_at_local as date)) as night_date
    from load_summary
    group by district_id

)

select
    load_summary.district_id,
    load_summary.dataset,
    load_summary.file_name,
    load_summary.status,
    load_summary.arrived_at_local,
    load_summary.cutoff_at_local
from load_summary
inner join latest_night
    on
        load_summary.district_id = latest_night.district_id
        and cast(load_summary.received_at_local as date) = latest_night.night_date
where not load_summary.arrived_before_cutoff
