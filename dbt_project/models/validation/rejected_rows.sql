with

row_checks as (

    select * from {{ ref('int_row_checks__unioned') }}

),

parse_rejects as (

    select * from {{ ref('stg_pathways__parse_rejects') }}

),

latest_good_files as (

    select * from {{ ref('stg_pathways__latest_good_files') }}

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

-- Only the files in use, like the rule rejections: a file rejected whole is reported in
-- load_summary. One row per line (the ingest records one per line; grouping keeps it so
-- for older rows, which had one per error); the reason names the column DuckDB reports.
parse_errors as (

    select
        parse_rejects.district_id,
        parse_rejects.sis,
        parse_rejects.dataset,
        parse_rejects.file_name as source_file,
        parse_rejects.file_sha256,
        parse_rejects.line_number as row_number,
        'parse' as rejection_stage,
        {{ dbt.listagg(
            dbt.concat([
                "coalesce(parse_rejects.error_type, 'parse error')",
                "case when parse_rejects.column_name is not null then "
                ~ dbt.concat(["' in column '", "parse_rejects.column_name"]) ~ " else '' end",
                "': '",
                "coalesce(parse_rejects.error_message, '')",
            ]),
            "'; '",
            "order by parse_rejects.error_type, parse_rejects.error_message"
        ) }} as reason
    from parse_rejects
    inner join latest_good_files
        on
            parse_rejects.district_id = latest_good_files.district_id
            and parse_rejects.file_sha256 = latest_good_files.file_sha256
            and parse_rejects.load_id = latest_good_files.load_id
    group by
        parse_rejects.district_id,
        parse_rejects.sis,
        parse_rejects.dataset,
        parse_rejects.file_name,
        parse_rejects.file_sha256,
        parse_rejects.line_number

),

final as (

    select * from rule_rejections
    union all
    select * from parse_errors

)

select * from final
