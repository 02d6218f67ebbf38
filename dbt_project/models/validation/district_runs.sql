-- One row per district per run: the ingest step of the district (run_log step 'ingest')
-- with the outcome of the same run's dbt build (step 'dbt', one row per run).
with

run_log as (

    select * from {{ ref('stg_pathways__run_log') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

ingest_runs as (

    select * from run_log
    where step = 'ingest'

),

dbt_runs as (

    select * from run_log
    where step = 'dbt'

),

final as (

    select
        ingest_runs.run_id,
        ingest_runs.district_id,
        districts.sis,
        districts.district_status,
        ingest_runs.command,
        ingest_runs.pid,
        ingest_runs.started_at,
        ingest_runs.ended_at,
        {{ to_local_timestamp('ingest_runs.started_at', 'districts.timezone') }} as started_at_local,
        ingest_runs.status,
        ingest_runs.message,
        ingest_runs.files_received,
        ingest_runs.files_loaded,
        ingest_runs.files_failed,
        ingest_runs.rows_loaded,
        dbt_runs.status as dbt_status,
        dbt_runs.message as dbt_message,
        dbt_runs.ended_at as dbt_ended_at
    from ingest_runs
    left join districts
        on ingest_runs.district_id = districts.district_id
    left join dbt_runs
        on ingest_runs.run_id = dbt_runs.run_id

)

select * from final
