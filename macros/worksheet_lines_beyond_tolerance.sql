{#
    worksheet_lines_beyond_tolerance(status): the worksheet lines of districts with this
    registry status whose difference is beyond their tolerance (validation.worksheet_comparison).
    The body of the two worksheet tests, which differ only in status and severity (dbt sets a
    test's severity once, not per row).
#}
{% macro worksheet_lines_beyond_tolerance(status) -%}
    select
        district_id,
        dataset,
        school_id,
        grade_level,
        expected_count,
        actual_count,
        difference,
        tolerance_pct,
        allowed_difference,
        source_file,
        line_number
    from {{ ref('worksheet_comparison') }}
    where
        district_status = '{{ status }}'
        and not is_within_tolerance
{%- endmacro %}
