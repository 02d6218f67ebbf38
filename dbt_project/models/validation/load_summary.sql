with

file_manifest as (

    select * from {{ ref('stg_pathways__file_manifest') }}

),

latest_good_files as (

    select * from {{ ref('stg_pathways__latest_good_files') }}

),

districts as (

    select * from {{ ref('stg_pathways__districts') }}

),

row_checks as (

    select * from {{ ref('int_row_checks__unioned') }}

),

district_runs as (

    select * from {{ ref('district_runs') }}

),

-- Rule outcomes exist for the file staging reads now (the latest good file of each
-- district and dataset); superseded files keep NULL counts.
row_outcomes as (

    select
        district_id,
        sis,
        dataset,
        file_sha256,
        count(*) as rows_staged,
        sum(case when rejection_reason is null then 1 else 0 end) as rows_accepted,
        sum(case when rejection_reason is not null then 1 else 0 end) as rows_rejected
    from row_checks
    group by district_id, sis, dataset, file_sha256

),

localized as (

    select
        file_manifest.*,
        districts.timezone,
        districts.transfer_method,
        {{ to_local_timestamp('file_manifest.received_at', 'districts.timezone') }} as received_at_local,
        {{ to_local_timestamp(
            'coalesce(file_manifest.file_modified_at, file_manifest.received_at)', 'districts.timezone'
        ) }} as arrived_at_local
    from file_manifest
    left join districts
        on file_manifest.district_id = districts.district_id

),

-- The night a file belongs to is the run that received it; that night's cutoff is
-- var('pathways_cutoff_hour') o'clock, local time, on the local date of the run.
with_cutoff as (

    select
        *,
        {{ dbt.dateadd(
            'hour',
            var('pathways_cutoff_hour'),
            'cast(cast(received_at_local as date) as ' ~ dbt.type_timestamp() ~ ')'
        ) }} as cutoff_at_local
    from localized

),

final as (

    select
        with_cutoff.district_id,
        with_cutoff.sis,
        with_cutoff.dataset,
        with_cutoff.file_name,
        with_cutoff.file_sha256,
        with_cutoff.load_id,
        with_cutoff.status,
        with_cutoff.reason,
        with_cutoff.run_id,
        district_runs.status as run_status,
        district_runs.message as run_message,
        with_cutoff.file_date,
        with_cutoff.received_at,
        with_cutoff.file_modified_at,
        with_cutoff.timezone,
        with_cutoff.received_at_local,
        with_cutoff.arrived_at_local,
        with_cutoff.cutoff_at_local,
        case
            -- Pathways pulls API data itself during the run: no district upload to be late
            when with_cutoff.transfer_method = 'powerschool_api' then null
            when with_cutoff.status = 'missing' or with_cutoff.arrived_at_local is null then false
            else with_cutoff.arrived_at_local < with_cutoff.cutoff_at_local
        end as arrived_before_cutoff,
        latest_good_files.file_sha256 is not null as is_in_use,
        with_cutoff.data_lines as rows_received,
        with_cutoff.rows_loaded,
        with_cutoff.rows_unparseable,
        case
            when latest_good_files.file_sha256 is not null
                then cast(coalesce(row_outcomes.rows_staged, 0) as {{ dbt.type_bigint() }})
        end as rows_staged,
        case
            when latest_good_files.file_sha256 is not null
                then cast(coalesce(row_outcomes.rows_rejected, 0) as {{ dbt.type_bigint() }})
        end as rows_rejected,
        case
            when latest_good_files.file_sha256 is not null
                then cast(coalesce(row_outcomes.rows_accepted, 0) as {{ dbt.type_bigint() }})
        end as rows_accepted
    from with_cutoff
    left join latest_good_files
        on
            with_cutoff.district_id = latest_good_files.district_id
            and with_cutoff.sis = latest_good_files.sis
            and with_cutoff.dataset = latest_good_files.dataset
            and with_cutoff.file_sha256 = latest_good_files.file_sha256
            and with_cutoff.load_id = latest_good_files.load_id
    left join row_outcomes
        on
            latest_good_files.district_id = row_outcomes.district_id
            and latest_good_files.sis = row_outcomes.sis
            and latest_good_files.dataset = row_outcomes.dataset
            and latest_good_files.file_sha256 = row_outcomes.file_sha256
    left join district_runs
        on
            with_cutoff.run_id = district_runs.run_id
            and with_cutoff.district_id = district_runs.district_id

)

select * from final
