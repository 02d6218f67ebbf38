{#
    spark__listagg(measure, delimiter_text, order_by_clause, limit_num): dbt.listagg on Spark,
    in the order asked for. dbt-spark's own drops the order_by_clause (with a warning), so
    the same rows could give another text than on DuckDB (rejected_rows' reasons). Here the
    values are collected with their sort keys in a struct, sorted, then joined: the keys are
    the comma-separated expressions of `order by k1, k2` (plain expressions, ascending; a
    NULL key sorts first, as on Spark's struct ordering). NULL values are skipped and no
    value gives NULL, as string_agg does. Overrides dbt-spark's macro (dbt's dispatch looks in the root project
    first); other engines keep theirs.
#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if order_by_clause -%}
        {%- set keys_text = modules.re.sub('^\\s*order\\s+by\\s+', '', order_by_clause, flags=modules.re.IGNORECASE) -%}
        {%- set fields = [] -%}
        {%- for key in keys_text.split(',') -%}
            {%- if modules.re.search('\\s(asc|desc|nulls)\\b', key, flags=modules.re.IGNORECASE) -%}
                {{ exceptions.raise_compiler_error(
                    "spark__listagg: only plain ascending sort keys are supported, not '" ~ key | trim ~ "'") }}
            {%- endif -%}
            {%- do fields.append("'k" ~ loop.index ~ "', " ~ key | trim) -%}
        {%- endfor -%}
        {%- set collected -%}
            transform(array_sort(collect_list(named_struct({{ fields | join(', ') }}, 'v', {{ measure }}))), x -> x.v)
        {%- endset -%}
    {%- else -%}
        {%- set collected = 'collect_list(' ~ measure ~ ')' -%}
    {%- endif -%}
    {%- if limit_num -%}
        {%- set collected = 'slice(' ~ collected ~ ', 1, ' ~ limit_num ~ ')' -%}
    {%- endif -%}
    case when count({{ measure }}) > 0 then array_join({{ collected }}, {{ delimiter_text }}) end
{%- endmacro %}
