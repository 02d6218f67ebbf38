{#
    register_lake_sources(): make every declared source (raw_<sis>.* and pathways_meta.*)
    readable where the raw data is files, not tables of the warehouse. Run once after each
    load of the lake, before dbt builds: `dbt run-operation register_lake_sources --target
    spark` (not an on-run-start hook: that would add a node to every DuckDB run). Dispatched:
    - DuckDB (default): nothing to do; the ingest writes the source tables into the warehouse.
    - Spark: each source is an external parquet table over the folder dlt's filesystem
      destination writes for it, `<lake>/<schema>/<table>/` (ingest/lake.py), the lake being
      env var PATHWAYS_LAKE_URL (an absolute path or a URL Spark reads: file:///…,
      s3a://…, abfss://…). Dropped and created again on every run: the parquet schema is
      read afresh (a new column shows) and so is the file listing (a new night's files).
      Dropping an external table never deletes its files.
#}
{% macro register_lake_sources() -%}
    {{ return(adapter.dispatch('register_lake_sources', 'pathways')()) }}
{%- endmacro %}

{% macro default__register_lake_sources() -%}
{%- endmacro %}

{% macro spark__register_lake_sources() -%}
    {%- if execute -%}
        {%- set lake = env_var('PATHWAYS_LAKE_URL', '') | trim -%}
        {%- if not lake -%}
            {{ exceptions.raise_compiler_error(
                "the spark target reads raw data from parquet files: set PATHWAYS_LAKE_URL to the"
                ~ " folder dlt's filesystem destination writes (`pathways lake` prints it)") }}
        {%- endif -%}
        {%- set seen = [] -%}
        {%- set schemas = [] -%}
        {%- for source in graph.sources.values() | sort(attribute='unique_id') -%}
            {%- set name = source.schema ~ '.' ~ source.identifier -%}
            {%- if source.schema not in schemas -%}
                {%- do schemas.append(source.schema) -%}
                {%- do run_query('create schema if not exists ' ~ source.schema) -%}
            {%- endif -%}
            {%- if name not in seen -%}
                {%- do seen.append(name) -%}
                {%- do run_query('drop table if exists ' ~ name) -%}
                {%- do run_query(
                    'create table ' ~ name ~ " using parquet location '"
                    ~ lake.rstrip('/') ~ '/' ~ source.schema ~ '/' ~ source.identifier ~ "'") -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do log('registered ' ~ seen | length ~ ' lake tables from ' ~ lake, info=true) -%}
    {%- endif -%}
{%- endmacro %}
