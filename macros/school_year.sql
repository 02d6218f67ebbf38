{#
    spring_school_year(expression): the spring year (2025-26 -> 2026) of a school-year text
    as SIS exports write it: '2026' (already the spring year), '2025-2026', '2025-26'.
    NULL when the text has none of these shapes.
#}
{% macro spring_school_year(expression) -%}
    {%- set text = 'trim(' ~ expression ~ ')' -%}
    case
        when {{ pathways.regex_matches(text, '^[0-9]{4}$') }}
            then cast({{ text }} as integer)
        when {{ pathways.regex_matches(text, '^[0-9]{4}-[0-9]{4}$') }}
            then cast(substring({{ text }}, 6, 4) as integer)
        when {{ pathways.regex_matches(text, '^[0-9]{4}-[0-9]{2}$') }}
            then cast(substring({{ text }}, 1, 4) as integer) + 1
    end
{%- endmacro %}

{#
    school_year_of_date(date_expression): the spring year of the school year a date falls in.
    A school year starts in month var('pathways_school_year_start_month') (7 = July).
#}
{% macro school_year_of_date(date_expression) -%}
    cast(
        extract(year from {{ date_expression }})
        + case
            when extract(month from {{ date_expression }}) >= {{ var('pathways_school_year_start_month') }} then 1
            else 0
        end
        as integer
    )
{%- endmacro %}
