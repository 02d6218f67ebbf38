"""File declarations come from the dbt sources YAML, exactly as SIS_LAYOUTS.md declares them."""

from pathlib import Path

import pytest

from ingest.declarations import (
    LINEAGE_COLUMNS,
    DeclarationError,
    declarations_for,
    load_declarations,
    snake_case,
)

SKYWARD_SMS = {
    "students": [
        "Name ID",
        "Other ID",
        "Last Name",
        "First Name",
        "Middle Name",
        "Birth Date",
        "Gender",
        "Entity ID",
        "Grade",
        "Grad Yr",
        "Status",
        "State ID",
        "Counselor ID",
    ],
    "course_crosswalk": [
        "Entity ID",
        "Course Key",
        "Course Description",
        "State Course Code",
        "Credit",
    ],
    "grades": [
        "Other ID",
        "Name ID",
        "Entity ID",
        "School Year",
        "Course Key",
        "Course Description",
        "Section",
        "Term",
        "Grade Mark",
        "Percent",
        "Credit Attempted",
        "Credit Earned",
        "State Course Code",
    ],
    "gpa": [
        "Other ID",
        "Name ID",
        "Entity ID",
        "School Year",
        "GPA Type",
        "GPA",
        "GPA Scale",
        "Credits",
        "Class Rank",
        "Class Size",
    ],
    "ibc": [
        "Other ID",
        "State ID",
        "Certification Code",
        "Certification Description",
        "Date Earned",
        "Result",
        "Vendor",
    ],
}


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Name ID", "name_id"),
        ("Grad Yr", "grad_yr"),
        ("GPA", "gpa"),
        ("StudentNumber", "student_number"),
        ("TXUniqueStudentID", "tx_unique_student_id"),
        ("GPAMethod", "gpa_method"),
        ("STUDENT_ID", "student_id"),
        (" Class Size ", "class_size"),
    ],
)
def test_snake_case(header, column):
    assert snake_case(header) == column


def test_skyward_sms_declares_the_layout_of_the_guide():
    decls = {d.dataset: d for d in declarations_for("skyward_sms")}
    assert {name: list(d.columns) for name, d in decls.items()} == SKYWARD_SMS
    assert {d.schema for d in decls.values()} == {"raw_skyward_sms"}
    assert decls["course_crosswalk"].header is False
    assert all(d.header for name, d in decls.items() if name != "course_crosswalk")
    assert all(d.delimiter == "," for d in decls.values())
    assert decls["ibc"].applies_to_state("TX") and not decls["ibc"].applies_to_state("IN")
    assert decls["students"].matches("students_20261128.csv")
    assert not decls["students"].matches("gpa_20261128.csv")


def _sources(tmp_path: Path, columns: str) -> Path:
    folder = tmp_path / "models" / "staging" / "acme"
    folder.mkdir(parents=True)
    (folder / "_acme__sources.yml").write_text(f"""
version: 2
sources:
  - name: acme
    schema: raw_acme
    meta: {{sis: acme}}
    tables:
      - name: people
        meta:
          file: {{pattern: "people*.csv", delimiter: ",", header: true, encoding: utf-8,
                  columns: {columns}}}
""")
    return tmp_path


def test_columns_that_normalize_to_one_name_fail_loudly(tmp_path):
    project = _sources(tmp_path, "[First Name, first_name, Last Name]")
    with pytest.raises(DeclarationError, match=r"people.*first_name"):
        load_declarations(project)


def test_raw_columns_never_take_a_lineage_name(tmp_path):
    (people,) = load_declarations(_sources(tmp_path, "[Name, _district_id]"))["acme"]
    assert people.raw_columns == ("name", "district_id")
    assert not set(people.raw_columns) & set(LINEAGE_COLUMNS)


def test_a_new_sis_needs_only_its_yaml(tmp_path):
    decls = load_declarations(_sources(tmp_path, "[Person ID, Name]"))
    (people,) = decls["acme"]
    assert people.raw_columns == ("person_id", "name")
    assert people.encodings == ("utf-8",)


def test_export_variants_share_columns_and_are_chosen_per_district(tmp_path):
    folder = tmp_path / "models" / "staging" / "acme"
    folder.mkdir(parents=True)
    (folder / "_acme__sources.yml").write_text("""
version: 2
sources:
  - name: acme
    meta: {sis: acme}
    tables:
      - name: people
        meta:
          file:
            pattern: "people*"
            header: true
            columns: [Person ID, Name]
            variants:
              report: {delimiter: "\\t", quote: "", encoding: [utf-16], pattern: "people*.tsv"}
              download: {delimiter: ",", encoding: [windows-1252], record_terminator: "#!#"}
""")
    (people,) = load_declarations(tmp_path)["acme"]
    report, download = people.for_variant("report"), people.for_variant("download")
    assert (report.delimiter, report.quote, report.encodings, report.pattern) == (
        "\t",
        "",
        ("utf-16",),
        "people*.tsv",
    )
    assert (download.record_terminator, download.quote, download.pattern) == ("#!#", '"', "people*")
    assert report.raw_columns == download.raw_columns == ("person_id", "name")
    with pytest.raises(
        DeclarationError, match=r"variants \['download', 'report'\].*export_variant"
    ):
        people.for_variant(None)


def test_unknown_declaration_keys_are_refused(tmp_path):
    project = _sources(tmp_path, "[Name]")
    path = project / "models" / "staging" / "acme" / "_acme__sources.yml"
    path.write_text(path.read_text().replace("header: true", "header: true, delimeter: ';'"))
    with pytest.raises(DeclarationError, match="delimeter"):
        load_declarations(project)
