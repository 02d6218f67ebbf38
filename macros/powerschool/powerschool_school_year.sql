{#
    powerschool_school_year(expression, per_year=1): the spring school year of a PowerSchool
    YEARID text (the school-year start - 1990: 35 is 2025-26, spring year 2026), or of a
    TERMID text with per_year=100 (YEARID x 100 + n: 3501 is a term of 2025-26). NULL when
    the text is not a positive whole number of the expected size (YEARID up to 3 digits,
    TERMID 3 to 5).
#}
{% macro powerschool_school_year(expression, per_year=1) -%}
    {%- set text = 'trim(' ~ expression ~ ')' -%}
    {%- set pattern = '^[1-9][0-9]{0,2}$' if per_year == 1 else '^[1-9][0-9]{2,4}$' -%}
    case
        when {{ pathways.regex_matches(text, pattern) }}
            then cast(floor(cast({{ text }} as integer) / {{ per_year }}) as integer) + 1991
    end
{%- endmacro %}
