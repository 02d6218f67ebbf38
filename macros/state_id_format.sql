{#
    matches_state_format(column, state_column, id_kind): true when `column` has the format
    of `id_kind` (student, course, certification…) in the row's state, per
    var('pathways_state_id_formats'); true for a state (or kind) with no declared format and
    for NULL values (required-field rules report missing values separately).
#}
{% macro matches_state_format(column, state_column, id_kind) -%}
    {%- set formats = var('pathways_state_id_formats') -%}
    case
        when {{ column }} is null then true
        {%- for state, kinds in formats.items() if id_kind in kinds %}
        when {{ state_column }} = '{{ state }}' then {{ pathways.regex_matches(column, kinds[id_kind]) }}
        {%- endfor %}
        else true
    end
{%- endmacro %}

{# state_format_label(state_column, id_kind): the expected format as text, for messages. #}
{% macro state_format_label(state_column, id_kind) -%}
    {%- set formats = var('pathways_state_id_formats') -%}
    case
        {%- for state, kinds in formats.items() if id_kind in kinds %}
        when {{ state_column }} = '{{ state }}' then '{{ kinds[id_kind] }}'
        {%- endfor %}
        else ''
    end
{%- endmacro %}
