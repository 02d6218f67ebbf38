{#
    The joins and counts the row rules read, written once: every per-SIS int model builds
    its `joined` CTE with these; its final entity_select applies the entity's rule set.
#}

{#
    accepted_students(students_relation): the import CTE body of the knock-on rule: the
    (district_id, student_id) of the SIS's students that passed every row rule.
#}
{% macro accepted_students(students_relation) -%}
    select
        district_id,
        student_id
    from {{ students_relation }}
    where rejection_reason is null
{%- endmacro %}


{#
    join_accepted_students(relation): left join of the `accepted_students` CTE on district
    and student; select `accepted_students.student_id as accepted_student_id` for the
    accepted_student rule.
#}
{% macro join_accepted_students(relation) -%}
    left join accepted_students
        on
            {{ relation }}.district_id = accepted_students.district_id
            and {{ relation }}.student_id = accepted_students.student_id
{%- endmacro %}


{#
    xwalk_join(crosswalk, relation, code_column): left join of a crosswalk seed CTE on the
    row's SIS and its code (`<relation>.sis = <crosswalk>.sis and <relation>.<code_column> =
    <crosswalk>.source_code`). A code with no row leaves the crosswalk's columns NULL, which
    the maps_to rule reports.
#}
{% macro xwalk_join(crosswalk, relation, code_column) -%}
    left join {{ crosswalk }}
        on
            {{ relation }}.sis = {{ crosswalk }}.sis
            and {{ relation }}.{{ code_column }} = {{ crosswalk }}.source_code
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
