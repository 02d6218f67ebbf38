{#
    The common columns of each intermediate entity, in order, with their types: the one
    contract every per-SIS int model (int_<sis>__<entity>) produces and every
    int_<entity>__unioned model selects. Marts add their keys on top.
#}
{% macro entity_columns(entity) -%}
    {%- set string = dbt.type_string() -%}
    {%- set integer = dbt.type_int() -%}
    {%- set entities = {
        'students': [
            ('k_student', string), ('k_school', string), ('district_id', string), ('sis', string),
            ('student_id', string), ('state_student_id', string), ('last_name', string),
            ('first_name', string), ('middle_name', string), ('birth_date', 'date'),
            ('gender', string), ('grade_level', string), ('grade_level_number', integer),
            ('school_id', string), ('enrollment_status', string), ('graduation_year', integer),
            ('counselor_staff_id', string),
        ],
        'staff': [
            ('k_staff', string), ('k_school', string), ('district_id', string), ('sis', string),
            ('staff_id', string), ('state_staff_id', string), ('last_name', string),
            ('first_name', string), ('email', string), ('school_id', string),
            ('staff_role', string),
        ],
        'courses': [
            ('k_course', string), ('district_id', string), ('sis', string),
            ('school_year', integer), ('course_code', string), ('school_id', string),
            ('course_title', string), ('credits', 'decimal(6,3)'), ('state_course_code', string),
            ('is_ap', 'boolean'), ('is_dual_credit', 'boolean'), ('is_cte', 'boolean'),
            ('is_honors', 'boolean'),
        ],
        'course_requests': [
            ('k_course_request', string), ('k_student', string), ('k_course', string),
            ('district_id', string), ('sis', string), ('student_id', string),
            ('school_year', integer), ('course_code', string), ('request_rank', integer),
            ('is_alternate', 'boolean'), ('request_status', string), ('school_id', string),
        ],
        'grades': [
            ('k_student_grade', string), ('k_student', string), ('k_course', string),
            ('district_id', string), ('sis', string), ('student_id', string),
            ('school_year', integer), ('term_code', string), ('term_name', string),
            ('course_code', string), ('section_code', string), ('school_id', string),
            ('state_course_code', string), ('letter_grade', string),
            ('numeric_grade', 'decimal(6,2)'), ('credits_attempted', 'decimal(6,3)'),
            ('credits_earned', 'decimal(6,3)'), ('is_final', 'boolean'),
            ('grade_level_when_taken', string),
        ],
        'gpa': [
            ('k_student_gpa', string), ('k_student', string), ('district_id', string),
            ('sis', string), ('student_id', string), ('school_year', integer),
            ('term_code', string), ('gpa_type', string), ('is_weighted', 'boolean'),
            ('gpa_scope', string), ('gpa_value', 'decimal(8,4)'), ('scale_max', 'decimal(8,4)'),
            ('class_rank', integer), ('class_size', integer), ('credits', 'decimal(8,3)'),
            ('school_id', string),
        ],
        'certifications': [
            ('k_student_certification', string), ('k_student', string), ('district_id', string),
            ('sis', string), ('student_id', string), ('certification_code', string),
            ('certification_name', string), ('vendor', string), ('result', string),
            ('earned_date', 'date'),
        ],
    } -%}
    {%- if entity not in entities -%}
        {{ exceptions.raise_compiler_error("entity_columns: unknown entity '" ~ entity ~ "'") }}
    {%- endif -%}
    {%- set lineage = [
        ('rejection_reason', string), ('_dataset', string), ('_source_file', string),
        ('_file_sha256', string), ('_row_number', dbt.type_bigint()),
    ] -%}
    {{ return(entities[entity] + lineage) }}
{%- endmacro %}


{# Every SIS's int model of one entity, column by column (never `select *`: order-proof). #}
{% macro union_entity(entity, relations) -%}
    {%- for relation in relations %}
    select
        {%- for name, type in entity_columns(entity) %}
        {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    {{ "union all" if not loop.last }}
    {%- endfor %}
{%- endmacro %}
