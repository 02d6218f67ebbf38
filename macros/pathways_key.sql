{#
    pathways_key(district_column, natural_key_columns): the k_<entity> surrogate key, the md5
    of the district id and each natural key part, lower-cased and trimmed, '|'-separated.
    Pass school_year among the natural keys for per-year entities. NULL parts hash as ''.
#}
{% macro pathways_key(district_column, natural_key_columns) -%}
    {%- set parts = ["coalesce(cast(" ~ district_column ~ " as " ~ dbt.type_string() ~ "), '')"] -%}
    {%- for column in natural_key_columns -%}
        {%- do parts.append("'|'") -%}
        {%- do parts.append("lower(trim(coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')))") -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
