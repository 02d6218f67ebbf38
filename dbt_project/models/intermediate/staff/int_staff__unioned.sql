-- A view: a union all of the per-SIS tables costs nothing to plan, and writing it as one
-- more table copied every row again (at 100x the demo, grades: 1.3 million rows).
{{ config(materialized='view') }}
-- Staff of every SIS that sends them, in the common columns (macros/entity_columns.sql).
-- A new SIS adds its int model to the list.
{{ union_entity('staff', [
    ref('int_ascender__staff'),
    ref('int_eschool__staff'),
    ref('int_harmony__staff'),
    ref('int_skyward_qmlativ__staff'),
    ref('int_powerschool__staff'),
]) }}
