{#
    Ascender writes CampusID either as the 3-digit local campus (`001`) or as the 9-digit
    state campus id (county-district number + campus, `057999001`), mixed within one file.

    ascender_school_id(column): the 3-digit local campus (the registry's school_id) of either
    form; any other shape is returned trimmed as sent (the int models reject it).
    ascender_state_school_id(column): the 9-digit form when the row carries it, else NULL.
#}
{% macro ascender_school_id(column) -%}
    case
        when {{ regex_matches(clean_text(column), '^[0-9]{9}$') }}
            then substring({{ clean_text(column) }}, 7, 3)
        else {{ clean_text(column) }}
    end
{%- endmacro %}

{% macro ascender_state_school_id(column) -%}
    case
        when {{ regex_matches(clean_text(column), '^[0-9]{9}$') }}
            then {{ clean_text(column) }}
    end
{%- endmacro %}

{#
    ascender_campus_checks(): the row-level rules every Ascender int model applies to the
    file's DistrictID and CampusID, as (condition, message) pairs for rejection_reason.
    Expects the staging columns district_cdn, campus_id_text, state_school_id and the
    registry's state_district_id (joined from stg_pathways__districts).
#}
{% macro ascender_campus_checks() -%}
    {{ return([
        ("district_cdn is not null and district_cdn <> state_district_id",
            dbt.concat(["'DistrictID '", "district_cdn",
                "'" ~ dbt.escape_single_quotes(" is not the district's county-district number ") ~ "'",
                "state_district_id"])),
        ("campus_id_text is null", "'CampusID is missing'"),
        ("campus_id_text is not null and not "
            ~ regex_matches('campus_id_text', '^[0-9]{3}$|^[0-9]{9}$'),
            dbt.concat(["'CampusID '", "campus_id_text",
                "' is neither a 3-digit campus nor a 9-digit state campus id'"])),
        ("substring(state_school_id, 1, 6) <> state_district_id",
            dbt.concat(["'CampusID '", "state_school_id",
                "' belongs to another county-district number than '", "state_district_id"])),
    ]) }}
{%- endmacro %}
