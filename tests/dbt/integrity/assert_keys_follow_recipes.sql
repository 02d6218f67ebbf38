-- What is this test?
--   Every key of every mart, recomputed from its recipe (macros/keys.sql key_recipes(): the
--   district and the canonical columns that make k_student, k_course_request,
--   k_student_grade…) over the mart's own columns, must equal the key the mart carries. A
--   SIS whose model built a key any other way (another column, a raw instead of a mapped
--   code, a missing part) fails here with its rows.
-- When is this important to resolve?
--   Before anyone joins on the key: a key built differently by one SIS does not match the
--   same record's key elsewhere (two nights, two marts, a SIS change) and uniqueness
--   tests can pass while keys silently disagree.
-- How to resolve?
--   It is a code fix, not a district one: the int model of the named SIS must build its
--   keys with entity_select / entity_key (never pathways_key directly), and its canonical
--   columns must hold the values the recipe names.
{{ config(severity='error') }}

{%- set mart_keys = [
    (ref('dim_district'), ['k_district']),
    (ref('dim_school'), ['k_school', 'k_district']),
    (ref('dim_student'), ['k_student', 'k_district', 'k_school']),
    (ref('dim_staff'), ['k_staff', 'k_district', 'k_school']),
    (ref('dim_course'), ['k_course', 'k_district']),
    (ref('fct_course_request'), ['k_course_request', 'k_student', 'k_course']),
    (ref('fct_student_grade'), ['k_student_grade', 'k_student', 'k_course']),
    (ref('fct_student_gpa'), ['k_student_gpa', 'k_student']),
    (ref('fct_student_certification'), ['k_student_certification', 'k_student']),
] %}

{%- set checks = [] %}
{%- for mart, keys in mart_keys %}
    {%- for key in keys %}
        {%- do checks.append(
            "select '" ~ mart.identifier ~ "' as mart, '" ~ key ~ "' as key_column, sis, district_id,"
            ~ " count(*) as rows_off_recipe from " ~ mart
            ~ " where " ~ key ~ " is distinct from " ~ entity_key(key)
            ~ " group by sis, district_id"
        ) %}
    {%- endfor %}
{%- endfor %}

{{ checks | join('\nunion all\n') }}
