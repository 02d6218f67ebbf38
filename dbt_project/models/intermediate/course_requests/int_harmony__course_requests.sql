{{ config(tags=['harmony'], docs={'node_color': '#8e44ad'}) }}
-- Placeholder until Harmony course requests are mapped (issue 3): the common
-- columns, no rows.
{{ empty_entity('course_requests') }}
