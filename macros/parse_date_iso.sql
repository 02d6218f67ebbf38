{#
    parse_date_iso(expression): a YYYY-MM-DD text (ISO 8601 calendar date) as a date, NULL
    when it does not parse (2026-02-30, 2026-13-01, 11/27/2026, free text).
#}
{% macro parse_date_iso(expression) -%}
    {{ return(adapter.dispatch('parse_date_iso', 'pathways')(expression)) }}
{%- endmacro %}

{# The shape is checked first: strptime alone would accept one-digit months and days. #}
{% macro duckdb__parse_date_iso(expression) -%}
    case
        when {{ pathways.regex_matches('trim(' ~ expression ~ ')', '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') }}
            then cast(try_strptime(trim({{ expression }}), '%Y-%m-%d') as date)
    end
{%- endmacro %}

{% macro snowflake__parse_date_iso(expression) -%}
    case
        when {{ pathways.regex_matches('trim(' ~ expression ~ ')', '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') }}
            then try_to_date(trim({{ expression }}), 'YYYY-MM-DD')
    end
{%- endmacro %}

{% macro spark__parse_date_iso(expression) -%}
    case
        when {{ pathways.regex_matches('trim(' ~ expression ~ ')', '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') }}
            then cast(try_to_timestamp(trim({{ expression }}), 'yyyy-MM-dd') as date)
    end
{%- endmacro %}

{#
    Fallback (PostgreSQL): the shape and month/day ranges are checked by a pattern, then
    to_date. PostgreSQL's to_date still raises on an impossible day (02-30); February 29-31
    and the 31st of short months remain the caller's risk on this engine.
#}
{% macro default__parse_date_iso(expression) -%}
    case
        when {{ pathways.regex_matches('trim(' ~ expression ~ ')', '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$') }}
            then to_date(trim({{ expression }}), 'YYYY-MM-DD')
    end
{%- endmacro %}
