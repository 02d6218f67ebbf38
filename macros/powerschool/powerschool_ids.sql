{#
    PowerSchool's requests, stored grades and class rank name a student by STUDENTS.ID (sent
    as STUDENTID), PowerSchool's internal id; the common model (and the district) know the
    student by STUDENT_NUMBER. These macros translate one into the other through the latest
    good students data, the same way in every per-student model.
#}

{#
    powerschool_student_numbers(): the import CTE body of the translation: one row per
    district and STUDENTS.ID of stg_powerschool__students, with its STUDENT_NUMBER when the
    id names exactly one student number (NULL when it names several: such students are
    rejected in int_powerschool__students anyway).
#}
{% macro powerschool_student_numbers() -%}
    select
        district_id,
        powerschool_student_id,
        case when count(distinct student_id) = 1 then max(student_id) end as student_number
    from {{ ref('stg_powerschool__students') }}
    where powerschool_student_id is not null
    group by district_id, powerschool_student_id
{%- endmacro %}


{#
    powerschool_join_students(relation): the left joins that give a row whose `student_id`
    holds STUDENTID (STUDENTS.ID) its `student_numbers.student_number` and, through it, the
    `accepted_students` row (CTEs powerschool_student_numbers and accepted_students). Select
    `student_numbers.student_number` and `accepted_students.student_id as
    accepted_student_id`: the entity's accepted_student rule then reads STUDENTID.
#}
{% macro powerschool_join_students(relation) -%}
    left join student_numbers
        on
            {{ relation }}.district_id = student_numbers.district_id
            and {{ relation }}.student_id = student_numbers.powerschool_student_id
    left join accepted_students
        on
            student_numbers.district_id = accepted_students.district_id
            and student_numbers.student_number = accepted_students.student_id
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
