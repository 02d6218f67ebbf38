{#
    to_local_timestamp(timestamp_expression, timezone_expression): a timestamp with time zone
    as the wall-clock time (timestamp without time zone) in an IANA time zone, which may be a
    column (each district has its own). DuckDB uses its built-in ICU extension (no download).
#}
{% macro to_local_timestamp(timestamp_expression, timezone_expression) -%}
    {{ return(adapter.dispatch('to_local_timestamp', 'pathways')(timestamp_expression, timezone_expression)) }}
{%- endmacro %}

{% macro duckdb__to_local_timestamp(timestamp_expression, timezone_expression) -%}
    timezone({{ timezone_expression }}, {{ timestamp_expression }})
{%- endmacro %}

{% macro snowflake__to_local_timestamp(timestamp_expression, timezone_expression) -%}
    convert_timezone({{ timezone_expression }}, {{ timestamp_expression }})::timestamp_ntz
{%- endmacro %}

{% macro spark__to_local_timestamp(timestamp_expression, timezone_expression) -%}
    from_utc_timestamp({{ timestamp_expression }}, {{ timezone_expression }})
{%- endmacro %}

{# PostgreSQL, Trino (and the default): AT TIME ZONE on a timestamptz yields local time. #}
{% macro default__to_local_timestamp(timestamp_expression, timezone_expression) -%}
    ({{ timestamp_expression }} at time zone {{ timezone_expression }})
{%- endmacro %}
