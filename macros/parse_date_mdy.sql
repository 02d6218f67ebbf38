{#
    parse_date_mdy(expression): a MM/DD/YYYY text (flat-file dates) as a date, NULL when it
    does not parse (02/30/2026, 13/01/2026, free text). One-digit month/day are accepted.
#}
{% macro parse_date_mdy(expression) -%}
    {{ return(adapter.dispatch('parse_date_mdy', 'pathways')(expression)) }}
{%- endmacro %}

{% macro duckdb__parse_date_mdy(expression) -%}
    cast(try_strptime(trim({{ expression }}), '%m/%d/%Y') as date)
{%- endmacro %}

{% macro snowflake__parse_date_mdy(expression) -%}
    try_to_date(trim({{ expression }}), 'MM/DD/YYYY')
{%- endmacro %}

{% macro spark__parse_date_mdy(expression) -%}
    cast(try_to_timestamp(trim({{ expression }}), 'M/d/yyyy') as date)
{%- endmacro %}

{#
    Fallback (PostgreSQL): the shape is checked by a pattern, then to_date. PostgreSQL's
    to_date still raises on an impossible day (02/30), so month and day ranges are guarded
    too; February 29-31 and 31st of short months remain the caller's risk on this engine.
#}
{% macro default__parse_date_mdy(expression) -%}
    case
        when {{ pathways.regex_matches('trim(' ~ expression ~ ')', '^(0?[1-9]|1[0-2])/(0?[1-9]|[12][0-9]|3[01])/[0-9]{4}$') }}
            then to_date(trim({{ expression }}), 'MM/DD/YYYY')
    end
{%- endmacro %}
