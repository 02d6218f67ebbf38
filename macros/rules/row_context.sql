{#
    The joins and counts the row rules read, written once. Every per-SIS int model imports
    its own staging model in a CTE at the top, then calls rule_context, which emits the
    shared lookups (import CTEs) and the `joined` CTE: the staging rows with the columns the
    entity's rule set reads. The model adds only its own logic and its final entity_select.

    Where the shared lookups come from (rule_lookups, one entry per entity):
    - districts: stg_pathways__districts (the registry): state, state_district_id;
    - schools: stg_pathways__district_schools (the registry): registry_school_id;
    - crosswalk seeds (xwalk_*), resolved per district (a row naming the district wins over
      the SIS-wide row: resolved_crosswalk) and joined on the row's district, SIS and code:
      their mapped columns;
    - accepted_students: int_<sis>__students, the students that passed every row rule;
    - course_listings: the file itself, how many versions it lists of a course;
    - the uniqueness count (rows_with_key, rows_with_student_id, rows_with_staff_id).
#}

{#
    rule_lookups(): per entity, the lookups its rule set can read — `lookups` (the ones a SIS
    uses unless it names others), `crosswalks` (name -> seed, code column joined on by
    default, columns taken as their names in the rows), `count` (column name and key
    columns), `school_year` (whether school_year is parsed from school_year_text first) and,
    for courses, `listed` (the attributes every listing of a course must agree on).
#}
{% macro rule_lookups() -%}
    {{ return({
        'students': {
            'lookups': ['districts', 'schools', 'grade_levels', 'enrollment_statuses'],
            'crosswalks': {
                'grade_levels': ('xwalk_grade_levels', 'grade_level_code',
                    {'grade_level': 'grade_level', 'grade_level_number': 'grade_level_number'}),
                'enrollment_statuses': ('xwalk_enrollment_statuses', 'enrollment_status_code',
                    {'enrollment_status': 'enrollment_status'}),
            },
            'count': ('rows_with_student_id', ['district_id', 'student_id']),
            'school_year': false,
        },
        'staff': {
            'lookups': ['staff_roles'],
            'crosswalks': {'staff_roles': ('xwalk_staff_roles', 'staff_role_code', {'staff_role': 'staff_role'})},
            'count': ('rows_with_staff_id', ['district_id', 'staff_id']),
            'school_year': false,
        },
        'courses': {
            'lookups': ['districts', 'course_listings'],
            'crosswalks': {},
            'count': ('rows_with_key', ['district_id', 'school_id', 'school_year', 'course_code']),
            'listed': ['course_title', 'credits', 'state_course_code'],
            'school_year': true,
        },
        'course_requests': {
            'lookups': ['request_types', 'accepted_students'],
            'crosswalks': {
                'request_types': ('xwalk_request_types', 'request_type_code',
                    {'request_type': 'request_type', 'is_alternate': 'is_alternate'}),
                'request_statuses': ('xwalk_request_statuses', 'request_status_code',
                    {'request_status': 'request_status'}),
                'terms': ('xwalk_terms', 'semester_code', {'term_code': 'mapped_semester_code'}),
            },
            'count': ('rows_with_key', ['district_id', 'student_id', 'school_year', 'course_code']),
            'school_year': true,
        },
        'grades': {
            'lookups': ['districts', 'terms', 'grade_marks', 'accepted_students'],
            'crosswalks': {
                'terms': ('xwalk_terms', 'term_code',
                    {'term_code': 'mapped_term_code', 'term_name': 'term_name', 'is_final_term': 'is_final_term'}),
                'grade_marks': ('xwalk_grade_marks', 'grade_mark_code', {'letter_grade': 'letter_grade'}),
                'grade_levels': ('xwalk_grade_levels', 'grade_level_code', {'grade_level': 'grade_level_when_taken'}),
            },
            'count': ('rows_with_key', [
                'district_id', 'student_id', 'school_year', 'term_code', 'course_code', 'section_code',
            ]),
            'school_year': true,
        },
        'gpa': {
            'lookups': ['gpa_types', 'accepted_students'],
            'crosswalks': {
                'gpa_types': ('xwalk_gpa_types', 'gpa_type_code', {'gpa_type': 'gpa_type', 'is_weighted': 'is_weighted'}),
                'gpa_scales': ('xwalk_gpa_scales', 'gpa_type_code', {'scale_max': 'scale_max'}),
                'terms': ('xwalk_terms', 'run_term_code', {'term_code': 'term_code'}),
            },
            'count': ('rows_with_key', ['district_id', 'student_id', 'school_year', 'gpa_type_code']),
            'school_year': true,
        },
        'certifications': {
            'lookups': ['districts', 'accepted_students'],
            'crosswalks': {},
            'count': ('rows_with_key', ['district_id', 'student_id', 'certification_code', 'earned_date']),
            'school_year': false,
        },
    }) }}
{%- endmacro %}


{#
    rule_context(entity, sis, relation, lookups=none, on={}, key=none, school_year=none,
    listed=none, columns=[]): the import CTEs of the lookups and the `with_school_year` (when
    parsed) and `joined` CTEs, comma separated, without a trailing comma. See
    _rules__macros.yml for the arguments.
#}
{% macro rule_context(
    entity, sis, relation, lookups=none, on={}, key=none, school_year=none, listed=none, columns=[]
) -%}
    {%- set entities = rule_lookups() -%}
    {%- if entity not in entities -%}
        {{ exceptions.raise_compiler_error("rule_context: unknown entity '" ~ entity ~ "'") }}
    {%- endif -%}
    {%- set spec = entities[entity] -%}
    {%- set lookups = spec.lookups if lookups is none else lookups -%}
    {%- set shared = ['districts', 'schools', 'accepted_students', 'course_listings'] -%}
    {%- for name in lookups if name not in shared and name not in spec.crosswalks -%}
        {{ exceptions.raise_compiler_error(
            "rule_context: " ~ entity ~ " has no lookup '" ~ name ~ "' (crosswalks: "
            ~ spec.crosswalks.keys() | join(', ') ~ ")") }}
    {%- endfor -%}
    {%- set count_name, default_key = spec['count'] -%}
    {%- set key = default_key if key is none else key -%}
    {%- set school_year = spec.school_year if school_year is none else school_year -%}
    {%- set listed = spec.get('listed') if listed is none else listed -%}
    {%- set listing_key = on.get('course_listings', ['district_id', 'school_year', 'course_code']) -%}
    {%- set rows = 'with_school_year' if school_year else relation -%}
    {%- set selected = [rows ~ '.*'] + columns -%}
    {%- set joins = [] -%}
    {%- for name in lookups -%}
        {%- if name == 'districts' -%}
            {%- do selected.extend(['districts.state', 'districts.state_district_id']) -%}
            {%- do joins.append('left join districts\n        on ' ~ rows ~ '.district_id = districts.district_id') -%}
        {%- elif name == 'schools' and on.get('schools', 'school_id') == 'campus_id' -%}
            {%- do selected.extend([
                'schools.school_id as registry_school_id',
                'coalesce(schools.school_id, ' ~ rows ~ '.campus_id) as school_id',
            ]) -%}
            {%- do joins.append('left join schools\n        on\n            ' ~ rows ~ '.district_id = schools.district_id'
                ~ '\n            and (\n                ' ~ rows ~ '.campus_id = schools.school_id'
                ~ '\n                or ' ~ rows ~ '.campus_id = schools.state_school_id\n            )') -%}
        {%- elif name == 'schools' -%}
            {%- do selected.append('schools.school_id as registry_school_id') -%}
            {%- do joins.append('left join schools\n        on\n            ' ~ rows ~ '.district_id = schools.district_id'
                ~ '\n            and ' ~ rows ~ '.school_id = schools.school_id') -%}
        {%- elif name == 'accepted_students' -%}
            {#- an exists, not a left join: the same value (accepted students are one row per
                district and student: their rules reject a repeated id), but DuckDB then
                hashes the students, never the file's rows. With the left join it misjudged
                the staging rows as the smaller side and hashed them, every column included:
                measured at 100x the demo (1.8 million eSchool grades), 11 s with 0.6 GB
                spilled to disk instead of 5 s in memory, with the key count below -#}
            {%- do selected.append('case\n            when exists (\n                select 1\n'
                ~ '                from accepted_students\n                where\n'
                ~ '                    accepted_students.district_id = ' ~ rows ~ '.district_id\n'
                ~ '                    and accepted_students.student_id = ' ~ rows ~ '.student_id\n'
                ~ '            )\n                then ' ~ rows ~ '.student_id\n'
                ~ '        end as accepted_student_id') -%}
        {%- elif name == 'course_listings' -%}
            {%- do selected.append('course_listings.distinct_listings') -%}
            {%- set conditions = [] -%}
            {%- for column in listing_key -%}
                {%- do conditions.append(rows ~ '.' ~ column ~ ' = course_listings.' ~ column) -%}
            {%- endfor -%}
            {%- do joins.append('left join course_listings\n        on\n            '
                ~ conditions | join('\n            and ')) -%}
        {%- else -%}
            {%- set code, mapped = spec.crosswalks[name][1:] -%}
            {%- for column, alias in mapped.items() -%}
                {%- do selected.append(name ~ '.' ~ column ~ (' as ' ~ alias if alias != column else '')) -%}
            {%- endfor -%}
            {%- do joins.append(xwalk_join(name, rows, on.get(name, code))) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if key -%}
        {#- the key count as a group-by joined back (key_counts below), not rows_per_key's
            window over every row: the same counts, NULL keys grouped as the window's
            partitions group them; measured at 100x the demo (1.6 million Skyward SMS
            grades) 10 s instead of 15 s for the joined rows. key_counts keeps only the keys
            on more than one row (a key it does not list is on one row: the coalesce), so the
            join hashes the few repeated keys, not one entry per row -#}
        {%- do selected.append('coalesce(key_counts.' ~ count_name ~ ', 1) as ' ~ count_name) -%}
        {%- set conditions = [] -%}
        {%- for column in key -%}
            {%- do conditions.append(null_safe_equals(rows ~ '.' ~ column, 'key_counts._key_' ~ column)) -%}
        {%- endfor -%}
        {%- do joins.append('left join key_counts\n        on\n            ' ~ conditions | join('\n            and ')) -%}
    {%- endif -%}
-- the standard context of the rules: rule_context ({{ entity }}), macros/rules/row_context.sql
    {%- if school_year %}
with_school_year as (

    select
        *,
        {{ spring_school_year('school_year_text') }} as school_year
    from {{ relation }}

),
{% endif %}
    {%- set crosswalks = lookups | select('in', spec.crosswalks) | list %}
    {%- if crosswalks %}
crosswalk_districts as (

    select distinct district_id from {{ relation }}

),
{% endif %}
    {%- for name in crosswalks %}
{{ name }}_crosswalk as (

    select * from {{ ref(spec.crosswalks[name][0]) }}

),
{% endfor %}
    {%- for name in lookups %}
{{ name }} as (
{% if name == 'districts' %}
    select * from {{ ref('stg_pathways__districts') }}
{% elif name == 'schools' %}
    select * from {{ ref('stg_pathways__district_schools') }}
{% elif name == 'accepted_students' %}
    select
        district_id,
        student_id
    from {{ ref('int_' ~ sis ~ '__students') }}
    where rejection_reason is null
{% elif name == 'course_listings' %}
    {{ distinct_listings(rows, listing_key, listed) }}
{% else %}
    {{ resolved_crosswalk(name ~ '_crosswalk', 'crosswalk_districts', spec.crosswalks[name][2].keys() | list) }}
{% endif %}
),
{% endfor %}
    {%- if key %}
key_counts as (

    select
        {%- for column in key %}
        {{ column }} as _key_{{ column }},
        {%- endfor %}
        count(*) as {{ count_name }}
    from {{ rows }}
    group by
        {{ key | join(',\n        ') }}
    having count(*) > 1

),
{% endif %}
joined as (

    select
        {{ selected | join(',\n        ') }}
    from {{ rows }}
    {{ joins | join('\n    ') }}

)
{%- endmacro %}


{#
    xwalk_join(crosswalk, relation, code_column): left join of a resolved crosswalk CTE
    (resolved_crosswalk) on the row's district, SIS and code (`<relation>.district_id =
    <crosswalk>.district_id and <relation>.sis = <crosswalk>.sis and
    <relation>.<code_column> = <crosswalk>.source_code`). A code with no row leaves the
    crosswalk's columns NULL, which the maps_to rule reports.
#}
{% macro xwalk_join(crosswalk, relation, code_column) -%}
    left join {{ crosswalk }}
        on
            {{ relation }}.district_id = {{ crosswalk }}.district_id
            and {{ relation }}.sis = {{ crosswalk }}.sis
            and {{ relation }}.{{ code_column }} = {{ crosswalk }}.source_code
{%- endmacro %}


{#
    resolved_crosswalk(crosswalk, districts, columns): the body of a CTE holding, for every
    district of the `districts` CTE (one `district_id` column), its crosswalk: the rows of the
    `crosswalk` CTE (a seed with sis, district_id, source_code) that name the district, plus
    the SIS-wide rows (district_id NULL) whose (sis, source_code) the district has no row of
    its own for. A district's row wins over the SIS-wide row, for that district only.
    Columns: district_id, sis, source_code and `columns` (the mapped columns read), plus
    is_district_row. Standard SQL (no window, no qualify): one place, every SIS and entity.
#}
{% macro resolved_crosswalk(crosswalk, districts, columns=[]) -%}
    {%- set mapped = [] -%}
    {%- for column in columns if column not in ['district_id', 'sis', 'source_code'] -%}
        {%- do mapped.append(crosswalk ~ '.' ~ column) -%}
    {%- endfor -%}
    select
        {{ crosswalk }}.district_id,
        {{ crosswalk }}.sis,
        {{ crosswalk }}.source_code,
        {%- for column in mapped %}
        {{ column }},
        {%- endfor %}
        true as is_district_row
    from {{ crosswalk }}
    inner join {{ districts }}
        on {{ crosswalk }}.district_id = {{ districts }}.district_id

    union all

    select
        {{ districts }}.district_id,
        {{ crosswalk }}.sis,
        {{ crosswalk }}.source_code,
        {%- for column in mapped %}
        {{ column }},
        {%- endfor %}
        false as is_district_row
    from {{ crosswalk }}
    cross join {{ districts }}
    where
        {{ crosswalk }}.district_id is null
        and not exists (
            select 1
            from {{ crosswalk }} as district_rows
            where
                district_rows.district_id = {{ districts }}.district_id
                and district_rows.sis = {{ crosswalk }}.sis
                and district_rows.source_code = {{ crosswalk }}.source_code
        )
{%- endmacro %}


{#
    rows_per_key(relation, columns): how many rows of the file share the row's values of
    the columns (district first): the count the unique_value / unique_key rules test.
#}
{% macro rows_per_key(relation, columns) -%}
    count(*) over (
        partition by
            {%- for column in columns %}
            {{ relation }}.{{ column }}{{ "," if not loop.last }}
            {%- endfor %}
    )
{%- endmacro %}


{#
    distinct_listings(relation, key_columns, value_columns): one row per key (keys all set)
    with `distinct_listings`, how many different versions of the value columns the file
    lists for it (NULL values count as ''). Above one, the listings conflict: courses a
    SIS lists once per building must agree on their attributes.
#}
{% macro distinct_listings(relation, key_columns, value_columns) -%}
    {%- set values = [] -%}
    {%- for column in value_columns -%}
        {%- do values.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
        {%- if not loop.last %}{% do values.append("'|'") %}{% endif -%}
    {%- endfor -%}
    select
        {{ key_columns | join(',\n        ') }},
        count(distinct {{ dbt.concat(values) }}) as distinct_listings
    from {{ relation }}
    where {{ key_columns | join(' is not null and ') }} is not null
    group by {{ key_columns | join(', ') }}
{%- endmacro %}


{#
    null_safe_equals(left, right): true when both are equal or both NULL (a join condition
    that groups NULLs as GROUP BY and PARTITION BY do). Spark spells it `<=>`.
#}
{% macro null_safe_equals(left, right) -%}
    {{ return(adapter.dispatch('null_safe_equals', 'pathways')(left, right)) }}
{%- endmacro %}

{% macro default__null_safe_equals(left, right) -%}
    {{ left }} is not distinct from {{ right }}
{%- endmacro %}

{% macro spark__null_safe_equals(left, right) -%}
    {{ left }} <=> {{ right }}
{%- endmacro %}
