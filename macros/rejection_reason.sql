{#
    rejection_reason(checks, unclean_columns='_unclean_columns'): NULL when a row passes every
    row-level rule, otherwise the failed rules' messages joined by '; ' (in the order given).
    `checks` is a list of (condition_that_means_failure, message) pairs; the message is a
    SQL expression (quote literals: "'Other ID is missing'"), so it may include values.
    Built with concat/substring only (no concat_ws), so NULL parts never null the result.

    Every SIS gets one more rule, last, without listing it: a row whose raw values hold a NUL
    byte or a byte-order mark (the `_unclean_columns` lineage column latest_good_rows adds,
    carried by every staging model) is rejected, naming the columns. `unclean_columns` names
    that column in the calling CTE; none leaves the rule out.
#}
{% macro rejection_reason(checks, unclean_columns='_unclean_columns') -%}
    {%- set all_checks = checks + ([(
        unclean_columns ~ " is not null",
        dbt.concat([
            "'column(s) '",
            unclean_columns,
            "' contain a NUL byte or a byte-order mark inside the value; ask the district to"
            ~ " re-export without control characters'",
        ]),
    )] if unclean_columns else []) -%}
    {%- set parts = [] -%}
    {%- for condition, message in all_checks -%}
        {%- do parts.append("case when " ~ condition ~ " then " ~ dbt.concat(["'; '", message]) ~ " else '' end") -%}
    {%- endfor -%}
    nullif(substring({{ dbt.concat(parts) }}, 3), '')
{%- endmacro %}
