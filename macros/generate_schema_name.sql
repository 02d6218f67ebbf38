{#
    Custom schemas are used verbatim: `+schema: staging` builds into `staging`, not
    `<target schema>_staging`. Nodes without a custom schema land in the target's schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
