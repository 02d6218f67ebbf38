-- Certifications of every SIS that sends them, in the common columns (macros/entity_columns.sql).
-- A new SIS adds its int model to the list.
{{ union_entity('certifications', [
    ref('int_skyward_sms__certifications'),
    ref('int_ascender__certifications'),
]) }}
