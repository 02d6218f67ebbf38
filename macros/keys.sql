{#
    Keys in one place. key_recipes() names, for every k_<entity>, the canonical columns
    whose values make it (besides the district, always first); entity_key() is the only way
    a model builds a key, so every SIS builds each key the same way, from the same canonical
    values (tests/unit/test_key_recipes.py fails on a key built any other way; the
    key_follows_recipe test recomputes the marts' keys).
#}
{% macro key_recipes() -%}
    {{ return({
        'k_district': [],
        'k_school': ['school_id'],
        'k_student': ['student_id'],
        'k_staff': ['staff_id'],
        'k_course': ['school_year', 'course_code'],
        'k_course_request': ['student_id', 'school_year', 'course_code', 'request_rank'],
        'k_student_grade': ['student_id', 'school_year', 'term_code', 'course_code', 'section_code'],
        'k_student_gpa': ['student_id', 'school_year', 'term_code', 'gpa_type', 'gpa_scope'],
        'k_student_certification': ['student_id', 'certification_code', 'earned_date'],
    }) }}
{%- endmacro %}


{#
    entity_key(key, relation=none, expressions={}): the key's hash over its recipe columns.
    `relation` qualifies the columns (`schools.school_id`); `expressions` gives, for a
    canonical column not yet named so, the expression of its value (entity_select passes
    the model's own mappings: the key hashes exactly the value the column gets; none is
    NULL, which hashes as '').
#}
{% macro entity_key(key, relation=none, expressions={}) -%}
    {%- set recipes = key_recipes() -%}
    {%- if key not in recipes -%}
        {{ exceptions.raise_compiler_error("entity_key: no recipe for '" ~ key ~ "' in key_recipes()") }}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for column in ['district_id'] + recipes[key] -%}
        {%- if column in expressions -%}
            {%- set expression = expressions[column] -%}
            {%- do parts.append(
                "cast(null as " ~ dbt.type_string() ~ ")" if expression is none else expression) -%}
        {%- else -%}
            {%- do parts.append((relation ~ '.' if relation else '') ~ column) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ pathways_key(parts[0], parts[1:]) }}
{%- endmacro %}


{#
    pathways_key(district_column, natural_key_columns): the hash itself, the md5 of the
    district id and each natural key part, lower-cased and trimmed, '|'-separated; NULL
    parts hash as ''. Called by entity_key only.
#}
{% macro pathways_key(district_column, natural_key_columns) -%}
    {%- set parts = ["coalesce(cast(" ~ district_column ~ " as " ~ dbt.type_string() ~ "), '')"] -%}
    {%- for column in natural_key_columns -%}
        {%- do parts.append("'|'") -%}
        {%- do parts.append("lower(trim(coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')))") -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}


{#
    entity_select(entity, relation, rules, columns={}): the final select of a per-SIS int
    model, one row per row of `relation`: the entity's common columns (entity_columns) in
    order, each key (k_*) from its recipe over the same values, and rejection_reason from
    `rules` (the entity's rule set plus the model's own rules; rejection_reason adds the
    NUL / byte-order-mark rule). `columns` maps a common column to the model's expression
    for it when the relation does not carry it under that name (`'term_code':
    'mapped_term_code'`, `'request_status': "'requested'"`); none makes it a typed NULL.
#}
{% macro entity_select(entity, relation, rules, columns={}) -%}
    {%- set known = entity_columns(entity) | map(attribute=0) | list -%}
    {%- for name in columns if name not in known or name == 'rejection_reason' -%}
        {{ exceptions.raise_compiler_error(
            "entity_select: '" ~ name ~ "' is not a column of " ~ entity ~ " a model maps (entity_columns)") }}
    {%- endfor -%}
    {%- set selected = [] -%}
    {%- for name, type in entity_columns(entity) -%}
        {%- if name.startswith('k_') -%}
            {%- do selected.append(entity_key(name, expressions=columns) ~ ' as ' ~ name) -%}
        {%- elif name == 'rejection_reason' -%}
            {%- do selected.append(rejection_reason(rules) ~ ' as rejection_reason') -%}
        {%- elif name in columns -%}
            {%- do selected.append(
                ("cast(null as " ~ type ~ ")" if columns[name] is none else columns[name]) ~ ' as ' ~ name) -%}
        {%- else -%}
            {%- do selected.append(name) -%}
        {%- endif -%}
    {%- endfor %}
    select
        {{ selected | join(',\n        ') }}
    from {{ relation }}
{%- endmacro %}
