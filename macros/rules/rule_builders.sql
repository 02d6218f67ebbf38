{#
    Rule builders: each returns one (failure_condition, message) pair for rejection_reason.
    The condition is true when the row FAILS the rule. The message names the column with the
    SIS's own label (`Other ID`, `StudentID`, `StudentNumber`…) so a district reads its own
    column names; where a builder shows the value, it is the raw text as sent (never PII:
    only codes, years, numbers and dates are shown).

    The entity rule sets (macros/rules/entity_rules.sql) are made of these; a per-SIS model
    uses them directly for the rules that are truly its own.
#}

{#
    rule_text(label, value, tail): the message `<label>[ <value>]<tail>` as a SQL expression.
    Quotes in the text are escaped the engine's way (dbt.escape_single_quotes): Spark reads
    `'district''s'` as two adjacent literals, `districts`.
#}
{% macro rule_text(label, value, tail) -%}
    {%- set label = dbt.escape_single_quotes(label) -%}
    {%- set tail = dbt.escape_single_quotes(tail) -%}
    {%- if value -%}
        {{ return(dbt.concat(["'" ~ label ~ " '", value, "'" ~ tail ~ "'"])) }}
    {%- else -%}
        {{ return("'" ~ label ~ tail ~ "'") }}
    {%- endif -%}
{%- endmacro %}


{# required(column, label): `<label> is missing` when the column is NULL. #}
{% macro required(column, label) -%}
    {{ return((column ~ " is null", rule_text(label, none, " is missing"))) }}
{%- endmacro %}


{#
    parses(label, text_column, value_column, expected, show_value=false, invalid=none):
    `<label>[ <text>] is not <expected>` when text was sent but its parsed value is NULL
    (or, with `invalid`, when that condition on the parsed value holds: `class_rank < 1`).
#}
{% macro parses(label, text_column, value_column, expected, show_value=false, invalid=none) -%}
    {%- set bad = value_column ~ " is null" if not invalid else "(" ~ value_column ~ " is null or " ~ invalid ~ ")" -%}
    {{ return((
        text_column ~ " is not null and " ~ bad,
        rule_text(label, text_column if show_value else none, " is not " ~ expected),
    )) }}
{%- endmacro %}


{#
    maps_to(label, code_column, mapped_column, expected): `<label> <code> is not <expected>`
    when a code was sent but the crosswalk join found no row (mapped column NULL).
#}
{% macro maps_to(label, code_column, mapped_column, expected) -%}
    {{ return((
        code_column ~ " is not null and " ~ mapped_column ~ " is null",
        rule_text(label, code_column, " is not " ~ expected),
    )) }}
{%- endmacro %}


{# within_range(column, label, low, high): `<label> is outside <low>-<high>`. #}
{% macro within_range(column, label, low, high) -%}
    {{ return((
        column ~ " < " ~ low ~ " or " ~ column ~ " > " ~ high,
        rule_text(label, none, " is outside " ~ low ~ "-" ~ high),
    )) }}
{%- endmacro %}


{# not_negative(column, label): `<label> is negative`. #}
{% macro not_negative(column, label) -%}
    {{ return((column ~ " < 0", rule_text(label, none, " is negative"))) }}
{%- endmacro %}


{#
    not_above(column, label, limit_column, limit_label, show_values=false):
    `<label>[ <value>] exceeds <limit_label>[ <limit>]` when column > limit_column.
#}
{% macro not_above(column, label, limit_column, limit_label, show_values=false) -%}
    {%- if show_values -%}
        {%- set string = dbt.type_string() -%}
        {%- set message = dbt.concat([
            "'" ~ label ~ " '", "cast(" ~ column ~ " as " ~ string ~ ")",
            "' exceeds " ~ limit_label ~ " '", "cast(" ~ limit_column ~ " as " ~ string ~ ")",
        ]) -%}
    {%- else -%}
        {%- set message = rule_text(label, none, " exceeds " ~ limit_label) -%}
    {%- endif -%}
    {{ return((column ~ " > " ~ limit_column, message)) }}
{%- endmacro %}


{#
    unique_value(column, label, count_column): `<label> appears on more than one row` when
    the value is set and its count (rows_per_key) is above one.
#}
{% macro unique_value(column, label, count_column) -%}
    {{ return((
        column ~ " is not null and " ~ count_column ~ " > 1",
        rule_text(label, none, " appears on more than one row"),
    )) }}
{%- endmacro %}


{#
    unique_key(count_column, key_words): `<key words> appear on more than one row` when the
    row's key count (rows_per_key) is above one: "Student, school year and course".
#}
{% macro unique_key(count_column, key_words) -%}
    {{ return((count_column ~ " > 1", rule_text(key_words, none, " appear on more than one row"))) }}
{%- endmacro %}


{#
    matches_format(label, column, id_kind, show_value=false): `<label>[ <value>] does not
    match the <state> format <pattern>`, per var('pathways_state_id_formats'); the calling
    CTE carries the district's `state`.
#}
{% macro matches_format(label, column, id_kind, show_value=false) -%}
    {%- set head = ["'" ~ label ~ " '", column, "' does not match the '"] if show_value
        else ["'" ~ label ~ " does not match the '"] -%}
    {{ return((
        "not " ~ pathways.matches_state_format(column, 'state', id_kind),
        dbt.concat(head + ["state", "' format '", pathways.state_format_label('state', id_kind)]),
    )) }}
{%- endmacro %}


{#
    accepted_student(label): the knock-on rule of every per-student entity: a row whose
    student is not an accepted row of the SIS's latest students file. The calling CTE
    carries `accepted_student_id` (rule_context).
#}
{% macro accepted_student(label) -%}
    {{ return((
        "student_id is not null and accepted_student_id is null",
        rule_text(label, none, " is not an accepted student of the latest students file"),
    )) }}
{%- endmacro %}
