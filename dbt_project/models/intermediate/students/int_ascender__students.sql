{{ config(tags=['ascender'], docs={'node_color': '#c0392b'}) }}
-- Placeholder until Ascender students are mapped (issue 3): the common
-- columns, no rows.
{{ empty_entity('students') }}
