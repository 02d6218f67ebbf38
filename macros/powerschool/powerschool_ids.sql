{#
    PowerSchool's requests, stored grades and class rank name a student by STUDENTS.ID (sent
    as STUDENTID), PowerSchool's internal id; the common model (and the district) know the
    student by STUDENT_NUMBER. These macros translate one into the other through the latest
    good students data, the same way in every per-student model.
#}

{#
    powerschool_student_numbers(): three import CTEs, comma separated (no trailing comma),
    ending in `student_numbers`: one row per district and STUDENTS.ID of
    stg_powerschool__students with its `student_number` (NULL when the id names more than
    one number: such students are rejected in int_powerschool__students anyway) and
    `accepted_student_id`, the number when that student passed every row rule. The model
    then calls rule_context without the `accepted_students` lookup (it would join on
    STUDENTID): the accepted_student rule reads this `accepted_student_id`.
#}
{% macro powerschool_student_numbers() -%}
student_ids as (

    select
        district_id,
        powerschool_student_id,
        case when count(distinct student_id) = 1 then max(student_id) end as student_number
    from {{ ref('stg_powerschool__students') }}
    where powerschool_student_id is not null
    group by district_id, powerschool_student_id

),

accepted_student_numbers as (

    select
        district_id,
        student_id
    from {{ ref('int_powerschool__students') }}
    where rejection_reason is null

),

student_numbers as (

    select
        student_ids.district_id,
        student_ids.powerschool_student_id,
        student_ids.student_number,
        accepted_student_numbers.student_id as accepted_student_id
    from student_ids
    left join accepted_student_numbers
        on
            student_ids.district_id = accepted_student_numbers.district_id
            and student_ids.student_number = accepted_student_numbers.student_id

)
{%- endmacro %}


{#
    powerschool_with_student_numbers(relation, school_year): the select of a per-student
    model's first CTE: the staging rows with `student_id` = STUDENTID as sent (the entity's
    student rules read it, with PowerSchool's label), `student_number` and
    `accepted_student_id` from `student_numbers`, and `school_year` (the SQL given). The
    model's final select maps student_id to student_number.
    Each number is a subquery on the row's district and STUDENTS.ID (`max` of the one
    `student_numbers` row, NULL without one), not a left join: the same values, but DuckDB
    then hashes the students, never the file's rows. With the left join it misjudged the
    staging rows as the smaller side and hashed them, every column included: measured at
    100x the demo (1.1 million PowerSchool grades), 5.8 s with 0.3 GB spilled to disk
    instead of 4.9 s in memory.
#}
{% macro powerschool_with_student_numbers(relation, school_year) -%}
    select
        {{ relation }}.*,
        {{ relation }}.powerschool_student_id as student_id,
        {%- for column in ['student_number', 'accepted_student_id'] %}
        (
            select max(student_numbers.{{ column }})
            from student_numbers
            where
                student_numbers.district_id = {{ relation }}.district_id
                and student_numbers.powerschool_student_id = {{ relation }}.powerschool_student_id
        ) as {{ column }},
        {%- endfor %}
        {{ school_year }} as school_year
    from {{ relation }}
{%- endmacro %}


{#
    powerschool_known_student(): the rule (condition, message) for a STUDENTID that is no
    STUDENTS.ID of the latest students data (or names more than one student number). The
    value is not shown: it identifies a student.
#}
{% macro powerschool_known_student() -%}
    {{ return((
        "student_id is not null and student_number is null",
        "'STUDENTID is the STUDENTS.ID of no student in the latest students data'",
    )) }}
{%- endmacro %}
