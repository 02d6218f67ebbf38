{# clean_text(column): trimmed text, NULL when empty or blank. #}
{% macro clean_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}
