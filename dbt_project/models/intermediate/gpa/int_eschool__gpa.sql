{{ config(tags=['eschool'], docs={'node_color': '#d68910'}) }}
-- Placeholder until eSchool/eSchoolPLUS gpa are mapped (issue 3): the common
-- columns, no rows.
{{ empty_entity('gpa') }}
