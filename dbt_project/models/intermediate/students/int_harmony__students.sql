{{ config(tags=['harmony'], docs={'node_color': '#8e44ad'}) }}
-- Placeholder until Harmony students are mapped (issue 3): the common
-- columns, no rows.
{{ empty_entity('students') }}
