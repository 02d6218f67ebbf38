{#
    parse_boolean(expression, true_values=['true'], false_values=['false']): a SIS flag
    (`True`/`False`, `Y`/`N`…) as a boolean, compared trimmed and case-insensitively; NULL
    when the text is none of the listed spellings, so a caller can tell a bad flag (text
    present, boolean NULL) from a missing one. Stricter than try_cast(…, 'boolean'), which
    on DuckDB also takes `yes`, `1` or `t` for true. Plain SQL: portable as is.
#}
{% macro parse_boolean(expression, true_values=['true'], false_values=['false']) -%}
    case
        when lower(trim({{ expression }})) in ('{{ true_values | map("lower") | join("', '") }}') then true
        when lower(trim({{ expression }})) in ('{{ false_values | map("lower") | join("', '") }}') then false
    end
{%- endmacro %}
