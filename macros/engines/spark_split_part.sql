{#
    spark__split_part(string_text, delimiter_text, part_number): dbt.split_part on Spark for a
    one-character delimiter literal (`';'`), as a regex character class (`split(x, '[;]')`).
    dbt-spark's own escapes the delimiter with `concat('\\', ';')`: the backslash made dbt's
    SQL statement splitting cut a unit test's SQL at the `;` (stg_pathways__users). Other
    delimiters and negative parts go to dbt-spark's macro.
#}
{% macro spark__split_part(string_text, delimiter_text, part_number) -%}
    {%- set literal = delimiter_text | trim -%}
    {%- if literal | length == 3 and literal[0] == "'" and literal[2] == "'"
        and literal[1] not in ['\\', ']', '^', '-', "'"] and part_number > 0 -%}
        split({{ string_text }}, '[{{ literal[1] }}]')[{{ part_number - 1 }}]
    {%- else -%}
        {{ dbt.spark__split_part(string_text, delimiter_text, part_number) }}
    {%- endif -%}
{%- endmacro %}
