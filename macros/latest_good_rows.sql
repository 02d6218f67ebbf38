{#
    latest_good_rows(source_name, table_name, sis=none, dataset=none): the rows of a raw SIS table that
    belong to the latest good file of each district ("a bad night never replaces a good one").

    The latest good file per district, SIS and dataset is chosen once, in
    stg_pathways__latest_good_files (latest manifest entry with status 'loaded', by
    received_at then file_name). Raw rows are matched to it on district, file sha256 and
    dlt load id, so rows of older nights, of duplicate re-sends and of rejected files are
    never read. Every SIS's staging model starts with this macro as its source CTE.

    Adds _dataset (the declared dataset) and _file_received_at (when that file arrived) to
    the raw columns. `sis` defaults to the source name and `dataset` to the source table
    name, which is how the ingest names them in file_manifest (sis = the source's meta.sis).
#}
{% macro latest_good_rows(source_name, table_name, sis=none, dataset=none) -%}
    {%- set source_relation = source(source_name, table_name) -%}
    select
        source_rows.*,
        latest_good_files.dataset as _dataset,
        latest_good_files.received_at as _file_received_at
    from {{ source_relation }} as source_rows
    inner join {{ ref('stg_pathways__latest_good_files') }} as latest_good_files
        on
            source_rows._district_id = latest_good_files.district_id
            and source_rows._file_sha256 = latest_good_files.file_sha256
            and source_rows._dlt_load_id = latest_good_files.load_id
    where
        latest_good_files.sis = '{{ sis or source_name }}'
        and latest_good_files.dataset = '{{ dataset or table_name }}'
{%- endmacro %}
