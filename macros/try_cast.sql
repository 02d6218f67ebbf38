{#
    try_cast(expression, data_type): cast, or NULL when the value does not convert.
    dbt.safe_cast is a plain CAST on most engines (one bad value fails the whole model),
    so every staging cast of raw text goes through this macro.
#}
{% macro try_cast(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast', 'pathways')(expression, data_type)) }}
{%- endmacro %}

{# DuckDB, Snowflake, Trino and Spark 3.2+ have a native TRY_CAST. #}
{% macro duckdb__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro snowflake__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro trino__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro spark__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{#
    Fallback (PostgreSQL and any engine without TRY_CAST): numeric, integer and boolean
    targets are guarded by a pattern so that only convertible text is cast; other types
    (dates, timestamps) are cast as is and still fail on bad input — parse dates with
    parse_date_mdy instead.
#}
{% macro default__try_cast(expression, data_type) -%}
    {%- set type_name = data_type | lower -%}
    {%- if type_name.startswith('int') or type_name in ('bigint', 'smallint') -%}
        case
            when {{ pathways.regex_matches('trim(' ~ expression ~ ')', '^[+-]?[0-9]+$') }}
                then cast(trim({{ expression }}) as {{ data_type }})
        end
    {%- elif type_name.startswith('decimal') or type_name.startswith('numeric')
        or type_name in ('double', 'float', 'real', 'double precision') -%}
        case
            when {{ pathways.regex_matches('trim(' ~ expression ~ ')', '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)$') }}
                then cast(trim({{ expression }}) as {{ data_type }})
        end
    {%- elif type_name.startswith('bool') -%}
        case
            when lower(trim({{ expression }})) in ('true', 't', '1', 'yes', 'y') then true
            when lower(trim({{ expression }})) in ('false', 'f', '0', 'no', 'n') then false
        end
    {%- else -%}
        cast({{ expression }} as {{ data_type }})
    {%- endif -%}
{%- endmacro %}
