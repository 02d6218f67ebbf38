{#
    latest_good_rows(source_name, table_name, sis=none, dataset=none): the rows of a raw SIS table that
    belong to the latest good file of each district ("a bad night never replaces a good one").

    The latest good file per district, SIS and dataset is chosen once, in
    stg_pathways__latest_good_files (latest manifest entry with status 'loaded', ordered by
    file_date desc nulls last, file_modified_at desc nulls last, received_at desc, file_name
    desc). Raw rows are matched to it on district, file sha256 and dlt load id, so rows of
    older nights, of duplicate re-sends and of rejected, held, stale or unstable files are
    never read. Every SIS's staging model starts with this macro as its source CTE.

    Adds to the raw columns:
    - _dataset (the declared dataset) and _file_received_at (when that file arrived);
    - _unclean_columns: NULL when the row is clean, otherwise the comma-joined NAMES (never
      the values) of the raw columns whose value holds a NUL byte or a byte-order mark
      (U+FEFF). rejection_reason turns it into a row rule for every SIS.
    `sis` defaults to the source name and `dataset` to the source table name, which is how
    the ingest names them in file_manifest (sis = the source's meta.sis).
#}
{% macro latest_good_rows(source_name, table_name, sis=none, dataset=none) -%}
    {%- set source_relation = source(source_name, table_name) -%}
    {%- set raw_columns = raw_column_names(source_relation) -%}
    select
        source_rows.*,
        latest_good_files.dataset as _dataset,
        latest_good_files.received_at as _file_received_at,
        {{ unclean_columns(raw_columns, 'source_rows') }} as _unclean_columns
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


{#
    raw_column_names(relation): the names of a raw table's columns from the warehouse, in
    table (file) order, without the lineage columns (names starting with `_`). Empty at
    parse time. A unit test cannot introspect (the source is a fixture CTE there): it
    overrides this macro with the raw column names it needs.
#}
{% macro raw_column_names(relation) -%}
    {%- set names = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- if not column.name.startswith('_') -%}
                {%- do names.append(column.name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(names) }}
{%- endmacro %}


{#
    unclean_columns(column_names, relation_alias): NULL when no listed column holds a NUL
    byte or a byte-order mark (U+FEFF) inside its value, otherwise the names of those that
    do, ', '-joined in the order given. Only names: a value never reaches the result.
#}
{% macro unclean_columns(column_names, relation_alias) -%}
    {%- if not column_names -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        {%- set parts = [] -%}
        {%- for name in column_names -%}
            {%- set column = relation_alias ~ '.' ~ adapter.quote(name) -%}
            {%- do parts.append(
                "case when " ~ pathways.has_control_characters(column)
                ~ " then '" ~ ", " ~ name ~ "' else '' end"
            ) -%}
        {%- endfor -%}
        nullif(substring({{ dbt.concat(parts) }}, 3), '')
    {%- endif -%}
{%- endmacro %}


{#
    has_control_characters(expression): true when the text holds a NUL byte or a byte-order
    mark (U+FEFF) anywhere; NULL text is clean. Dispatched: PostgreSQL text cannot hold NUL
    (chr(0) is an error there), so it checks the byte-order mark only; Spark's chr() wraps at
    256, so it spells the mark another way.
#}
{% macro has_control_characters(expression) -%}
    {{ return(adapter.dispatch('has_control_characters', 'pathways')(expression)) }}
{%- endmacro %}

{% macro default__has_control_characters(expression) -%}
    coalesce({{ dbt.position('chr(0)', expression) }} > 0 or {{ dbt.position('chr(65279)', expression) }} > 0, false)
{%- endmacro %}

{#
    Spark: chr(n) is the character of n modulo 256, so chr(65279) is 'ÿ' (a false hit on a
    name like Ÿvette, and the byte-order mark missed): the mark is decoded from its UTF-8 bytes.
#}
{% macro spark__has_control_characters(expression) -%}
    coalesce({{ dbt.position('chr(0)', expression) }} > 0 or {{ dbt.position("decode(unhex('EFBBBF'), 'UTF-8')", expression) }} > 0, false)
{%- endmacro %}

{% macro postgres__has_control_characters(expression) -%}
    coalesce({{ dbt.position('chr(65279)', expression) }} > 0, false)
{%- endmacro %}
