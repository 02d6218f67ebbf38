-- A view: a union all of the per-SIS tables costs nothing to plan, and writing it as one
-- more table copied every row again (at 100x the demo, grades: 1.3 million rows).
{{ config(materialized='view') }}
-- Students of every SIS that sends them, in the common columns (macros/entity_columns.sql).
-- A new SIS adds its int model to the list.
{{ union_entity('students', [
    ref('int_skyward_sms__students'),
    ref('int_ascender__students'),
    ref('int_eschool__students'),
    ref('int_harmony__students'),
    ref('int_skyward_qmlativ__students'),
    ref('int_powerschool__students'),
]) }}
