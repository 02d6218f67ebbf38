-- A view: a union all of the per-SIS tables costs nothing to plan, and writing it as one
-- more table copied every row again (at 100x the demo, grades: 1.3 million rows).
{{ config(materialized='view') }}
-- Grades of every SIS that sends them, in the common columns (macros/entity_columns.sql).
-- A new SIS adds its int model to the list.
{{ union_entity('grades', [
    ref('int_skyward_sms__grades'),
    ref('int_ascender__grades'),
    ref('int_eschool__grades'),
    ref('int_harmony__grades'),
    ref('int_skyward_qmlativ__grades'),
    ref('int_powerschool__grades'),
]) }}
