{{ config(tags=['skyward_qmlativ'], docs={'node_color': '#1f77b4'}) }}
-- Placeholder until Skyward Qmlativ gpa are mapped (issue 3): the common
-- columns, no rows.
{{ empty_entity('gpa') }}
