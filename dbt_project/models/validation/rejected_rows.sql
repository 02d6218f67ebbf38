with

row_checks as (

    select * from {{ ref('int_row_checks__unioned') }}

),

parse_rejects as (

    select * from {{ ref('stg_pathways__parse_rejects') }}

),

rule_rejections as (

    select
        district_id,
        sis,
        dataset,
        source_file,
        file_sha256,
        row_number,
        'row_rule' as rejection_stage,
        rejection_reason as reason
    from row_checks
    where rejection_reason is not null

),

-- The parser may report several errors for one line: one row per line, errors joined.
parse_errors as (

    select
        district_id,
        sis,
        dataset,
        file_name as source_file,
        file_sha256,
        line_number as row_number,
        'parse' as rejection_stage,
        {{ dbt.listagg(
            dbt.concat(["coalesce(error_type, 'parse error')", "': '", "coalesce(error_message, '')"]),
            "'; '",
            "order by error_type, error_message"
        ) }} as reason
    from parse_rejects
    group by district_id, sis, dataset, file_name, file_sha256, line_number

),

final as (

    select * from rule_rejections
    union all
    select * from parse_errors

)

select * from final
