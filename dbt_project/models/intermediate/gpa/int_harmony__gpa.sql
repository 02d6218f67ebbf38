{{ config(tags=['harmony'], docs={'node_color': '#8e44ad'}) }}
-- Placeholder until Harmony gpa are mapped (issue 3): the common
-- columns, no rows.
{{ empty_entity('gpa') }}
