{#
    rejection_reason(checks): NULL when a row passes every row-level rule, otherwise the
    failed rules' messages joined by '; ' (in the order given).
    `checks` is a list of (condition_that_means_failure, message) pairs; the message is a
    SQL expression (quote literals: "'Other ID is missing'"), so it may include values.
    Built with concat/substring only (no concat_ws), so NULL parts never null the result.
#}
{% macro rejection_reason(checks) -%}
    {%- set parts = [] -%}
    {%- for condition, message in checks -%}
        {%- do parts.append("case when " ~ condition ~ " then " ~ dbt.concat(["'; '", message]) ~ " else '' end") -%}
    {%- endfor -%}
    nullif(substring({{ dbt.concat(parts) }}, 3), '')
{%- endmacro %}
