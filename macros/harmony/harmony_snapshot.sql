{#
    Harmony sends one folder per term; every file starts with `Term, SnapshotDate`. These
    two macros keep the handling of those columns identical in the six Harmony models.
#}

{#
    harmony_snapshot_columns(): staging columns describing the upload a row belongs to.
    snapshot_term `2027_S1`, its spring year (2027) and term code (S1) when the term has the
    `<spring year>_<term>` shape, the snapshot date, and the upload folder of the file.
#}
{% macro harmony_snapshot_columns() -%}
    upper({{ clean_text('term') }}) as snapshot_term,
    case
        when {{ pathways.regex_matches("upper(" ~ clean_text('term') ~ ")", '^[0-9]{4}_[A-Z][0-9]$') }}
            then cast(substring({{ clean_text('term') }}, 1, 4) as integer)
    end as snapshot_school_year,
    case
        when {{ pathways.regex_matches("upper(" ~ clean_text('term') ~ ")", '^[0-9]{4}_[A-Z][0-9]$') }}
            then upper(substring({{ clean_text('term') }}, 6, 2))
    end as snapshot_term_code,
    {{ clean_text('snapshot_date') }} as snapshot_date_text,
    {{ parse_date_iso(clean_text('snapshot_date')) }} as snapshot_date,
    upper({{ dbt.split_part('_source_file', "'/'", 1) }}) as upload_folder
{%- endmacro %}

{#
    harmony_snapshot_checks(): the row-level rules on Term and SnapshotDate, as
    (failure condition, message) pairs for rejection_reason. The term must name a semester,
    quarter or trimester (`2027_S1`, `2027_Q3`, `2027_T2`) and match its upload folder:
    staging picks the newest upload by folder name, so a mislabelled folder must not pass.
#}
{% macro harmony_snapshot_checks() -%}
    {{ return([
        ("snapshot_term is null", "'Term is missing'"),
        ("snapshot_term is not null and not " ~ pathways.regex_matches('snapshot_term', '^[0-9]{4}_(S[1-2]|Q[1-4]|T[1-3])$'),
            dbt.concat(["'Term '", "snapshot_term", "' is not <spring year>_<S1-S2, Q1-Q4 or T1-T3>'"])),
        ("snapshot_term != upload_folder",
            dbt.concat(["'Term '", "snapshot_term", "' does not match its upload folder '", "upload_folder"])),
        ("snapshot_date_text is null", "'SnapshotDate is missing'"),
        ("snapshot_date_text is not null and snapshot_date is null",
            dbt.concat(["'SnapshotDate '", "snapshot_date_text", "' is not a valid YYYY-MM-DD date'"])),
    ]) }}
{%- endmacro %}
