"""The synthetic eSchool generator writes valid files exactly as declared, in both export
variants (Cognos: UTF-16 TSV, unquoted; Download Manager: Windows-1252 CSV ending every
record with `#!#`), with eSchool's quirks present."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from ingest.declarations import FileDeclaration, district_declarations
from ingest.registry import District, load_registry
from ingest.simulation.generators import GeneratedDistrict, generate_district
from ingest.simulation.generators.common import LETTER_MARKS
from ingest.simulation.generators.eschool import HIGH_SCHOOL_GPA_TYPES

NIGHT = date(2026, 11, 28)
SCHOOL_YEAR = 2027  # spring year of the night
STUDENTS = 120
DATASETS = {"students", "staff", "courses", "course_requests", "grades", "gpa"}
MARTS = {
    "dim_student": "students",
    "dim_staff": "staff",
    "dim_course": "courses",
    "fct_course_request": "course_requests",
    "fct_student_grade": "grades",
    "fct_student_gpa": "gpa",
}
GPA_SCALES = dict(HIGH_SCHOOL_GPA_TYPES)


def _districts() -> dict[str, District]:
    """The live eSchool districts, one per export variant (cedar_bend_isd, onboarding, has
    its own file names and mark types: test_district_defined_mark_types_and_file_names)."""
    return {
        d.export_variant: d for d in load_registry() if d.sis == "eschool" and d.status == "live"
    }


def _decl(district: District, dataset: str) -> FileDeclaration:
    (decl,) = [d for d in district_declarations(district) if d.dataset == dataset]
    return decl


@pytest.fixture(scope="module")
def districts() -> dict[str, District]:
    found = _districts()
    assert set(found) == {"cognos", "download_manager"}, "one demo district per export variant"
    return found


@pytest.fixture(scope="module")
def generated(districts, tmp_path_factory) -> dict[str, GeneratedDistrict]:
    root = tmp_path_factory.mktemp("eschool")
    return {
        variant: generate_district(d, root / d.id, night=NIGHT, students=STUDENTS)
        for variant, d in districts.items()
    }


def _records(path: Path, decl: FileDeclaration, encoding: str) -> list[list[str]]:
    """The records of a file as its declaration says to read them (header included)."""
    text = path.read_bytes().decode(encoding)
    if not decl.quote:  # unquoted TSV: one record per line, blank trailing lines skipped
        return [line.split(decl.delimiter) for line in text.split("\r\n") if line]
    records = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=decl.delimiter) if r]
    if decl.record_terminator:
        assert all(r[-1] == decl.record_terminator for r in records), "a record lacks #!#"
        records = [r[:-1] for r in records]
    return records


def _rows(gen: GeneratedDistrict, district: District, dataset: str) -> list[dict[str, str]]:
    decl = _decl(district, dataset)
    records = _records(gen.files[dataset], decl, district.demo["encoding"])
    assert records[0] == list(decl.columns)
    return [dict(zip(decl.columns, r, strict=True)) for r in records[1:]]


def _all_rows(gen, district) -> dict[str, list[dict[str, str]]]:
    return {dataset: _rows(gen, district, dataset) for dataset in DATASETS}


@pytest.fixture(scope="module")
def rows(generated, districts) -> dict[str, dict[str, list[dict[str, str]]]]:
    return {v: _all_rows(generated[v], districts[v]) for v in generated}


def _unique(rows: list[dict[str, str]], *columns: str) -> bool:
    keys = Counter(tuple(r[c].strip() for c in columns) for r in rows)
    return all(n == 1 for n in keys.values())


VARIANTS = ("cognos", "download_manager")


# --------------------------------------------------------------------------- files


def test_same_seed_same_bytes(districts, generated, tmp_path):
    for variant, district in districts.items():
        again = generate_district(district, tmp_path / variant, night=NIGHT, students=STUDENTS)
        for dataset, path in generated[variant].files.items():
            assert again.files[dataset].read_bytes() == path.read_bytes(), (variant, dataset)


def test_file_names_follow_the_variant_pattern(districts, generated):
    for variant, district in districts.items():
        assert set(generated[variant].files) == DATASETS
        for dataset, path in generated[variant].files.items():
            assert _decl(district, dataset).matches(path.name), (variant, path.name)


@pytest.mark.parametrize("variant", VARIANTS)
def test_rows_have_the_declared_columns_and_counts(variant, generated, rows):
    gen = generated[variant]
    for dataset in DATASETS:
        assert len(rows[variant][dataset]) == gen.rows[dataset] > 0, dataset
    for mart, dataset in MARTS.items():
        assert gen.expected_marts[mart] == gen.rows[dataset], mart
    assert gen.expected_marts["fct_student_certification"] == 0


# --------------------------------------------------------------------------- encodings


def test_cognos_is_utf16le_with_bom_tab_unquoted(generated):
    raw = generated["cognos"].files["students"].read_bytes()
    assert raw.startswith(b"\xff\xfe")  # UTF-16LE byte order mark
    assert "José".encode("utf-16-le") in raw and "Peña".encode("utf-16-le") in raw
    assert "O’Brien".encode("utf-16-le") in raw
    assert "\tSTUDENT_ID\t".encode("utf-16-le") in raw
    for path in generated["cognos"].files.values():
        text = path.read_bytes().decode("utf-16")
        assert '"' not in text  # unquoted: no field ever needed quoting
        assert "#!#" not in text


def test_download_manager_is_windows_1252_with_record_terminator(generated):
    raw = generated["download_manager"].files["students"].read_bytes()
    assert b"Jos\xe9" in raw and b"Pe\xf1a" in raw  # é and ñ, one byte each
    assert b"O\x92Brien" in raw  # the typographic apostrophe is 0x92 in Windows-1252
    assert raw.startswith(b"DISTRICT,STUDENT_ID,")
    for path in generated["download_manager"].files.values():
        lines = [line for line in path.read_bytes().split(b"\r\n") if line]
        # every physical line is a whole record, except inside a quoted line break
        assert lines[0].endswith(b",#!#")


def test_values_never_hold_a_tab_or_line_break_in_cognos(rows):
    for dataset, dataset_rows in rows["cognos"].items():
        for row in dataset_rows:
            assert not any(ch in v for v in row.values() for ch in "\t\r\n"), dataset


def test_one_download_manager_title_holds_a_line_break(generated, rows):
    broken = [r for r in rows["download_manager"]["courses"] if "\r\n" in r["DESCRIPTION"]]
    assert len(broken) == 1
    assert broken[0]["SCHOOL_YEAR"] == str(SCHOOL_YEAR + 1)
    raw = generated["download_manager"].files["courses"].read_bytes()
    physical = [line for line in raw.split(b"\r\n") if line]
    assert len(physical) == len(rows["download_manager"]["courses"]) + 2  # header + the break


# --------------------------------------------------------------------------- quirks


@pytest.mark.parametrize("variant", VARIANTS)
def test_char_columns_are_right_padded(variant, rows):
    students = rows[variant]["students"]
    assert all(len(r["STUDENT_ID"]) == 10 and r["STUDENT_ID"].endswith(" ") for r in students)
    assert all(r["BUILDING"] != r["BUILDING"].strip() for r in students)
    assert all(r["COURSE"] != r["COURSE"].strip() for r in rows[variant]["grades"])
    assert all(r["STAFF_ID"] != r["STAFF_ID"].strip() for r in rows[variant]["staff"])
    # leading zeros kept: every student id is 6 digits under the padding
    assert all(re.fullmatch(r"\d{6}", r["STUDENT_ID"].strip()) for r in students)


@pytest.mark.parametrize("variant", VARIANTS)
def test_codes_are_the_sis_codes(variant, rows):
    students = rows[variant]["students"]
    grades = {r["GRADE"] for r in students}
    assert grades <= {"PK", "KG", "KF", *(f"{g:02d}" for g in range(1, 13))}
    assert {r["CURRENT_STATUS"] for r in students} <= {"A", "I", "G"}
    assert "G" in {r["CURRENT_STATUS"] for r in students}
    assert {r["GPA_TYPE"] for r in rows[variant]["gpa"]} == {"WTD", "UNWTD", "STATE"}
    assert {r["REQUEST_TYPE"] for r in rows[variant]["course_requests"]} == {"R", "A"}
    assert {r["MARK_TYPE"] for r in rows[variant]["grades"]} <= {
        "S1", "S2", "Q1", "Q2", "Q3", "Q4", "T1", "T2", "T3", "Y1", "FIN",
    }  # fmt: skip
    staff = rows[variant]["staff"]
    assert {(r["IS_TEACHER"], r["IS_COUNSELOR"]) for r in staff} == {
        ("Y", "N"), ("N", "Y"), ("Y", "Y"), ("N", "N"),
    }  # fmt: skip
    assert {r["ACTIVE"] for r in staff} <= {"Y", "N"}


def test_full_day_kindergarten_appears(rows):
    kindergarten = {
        r["GRADE"] for v in VARIANTS for r in rows[v]["students"] if r["GRADE"] in ("KF", "KG")
    }
    assert "KF" in kindergarten


def test_first_students_are_jose_pena_and_zoe_obrien(rows):
    for variant in VARIANTS:
        first, second = rows[variant]["students"][:2]
        assert (first["FIRST_NAME"], first["LAST_NAME"]) == ("José", "Peña")
        assert (second["FIRST_NAME"], second["LAST_NAME"]) == ("Zoë", "O’Brien")


# --------------------------------------------------------------------------- validity


@pytest.mark.parametrize("variant", VARIANTS)
def test_rows_are_valid(variant, rows):
    data = rows[variant]
    students = data["students"]
    assert _unique(students, "STUDENT_ID")
    assert all(re.fullmatch(r"\d{10}", r["STATE_REPORT_ID"]) for r in students)
    assert _unique(data["staff"], "STAFF_ID")
    assert all(re.fullmatch(r"[a-z0-9.]+@[a-z0-9.]+", r["EMAIL"]) for r in data["staff"])
    assert _unique(data["courses"], "SCHOOL_YEAR", "COURSE")
    assert all(re.fullmatch(r"[0-9A-Z]{8}", r["STATE_CODE"]) for r in data["courses"])
    assert _unique(data["course_requests"], "STUDENT_ID", "SCHOOL_YEAR", "COURSE")
    grades = data["grades"]
    assert _unique(grades, "STUDENT_ID", "SCHOOL_YEAR", "MARK_TYPE", "COURSE", "COURSE_SECTION")
    for r in grades:
        mark = r["MARK_VALUE"]
        assert mark in LETTER_MARKS or 0 <= float(mark) <= 100, mark
        assert float(r["EARN_CREDIT"]) <= float(r["ATT_CREDIT"])
        assert re.fullmatch(r"[0-9A-Z]{8}", r["STATE_CRS_EQUIV"])
    assert _unique(data["gpa"], "STUDENT_ID", "SCHOOL_YEAR", "GPA_TYPE")
    for r in data["gpa"]:
        scale = GPA_SCALES[r["GPA_TYPE"]]
        assert 0 <= float(r["CUM_GPA"]) <= scale and 0 <= float(r["CUR_GPA"]) <= scale
        assert float(r["CUM_EARN_CREDIT"]) <= float(r["CUM_ATT_CREDIT"])
        assert 1 <= int(r["CUM_RANK"]) <= int(r["CLASS_SIZE"])
        assert r["RUN_TERM_YEAR"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_references_hold(variant, rows):
    data = rows[variant]
    students = {r["STUDENT_ID"].strip() for r in data["students"]}
    active = {r["STUDENT_ID"].strip() for r in data["students"] if r["CURRENT_STATUS"] == "A"}
    for dataset in ("grades", "gpa"):
        assert {r["STUDENT_ID"].strip() for r in data[dataset]} <= students, dataset
    assert {r["STUDENT_ID"].strip() for r in data["course_requests"]} <= active
    counselors = {r["STAFF_ID"].strip() for r in data["staff"] if r["IS_COUNSELOR"] == "Y"}
    named = {r["COUNSELOR"].strip() for r in data["students"]} - {""}
    assert named and named <= counselors
    catalog = {
        (r["SCHOOL_YEAR"], r["BUILDING"].strip(), r["COURSE"].strip()) for r in data["courses"]
    }
    for r in data["course_requests"]:
        assert r["SCHOOL_YEAR"] == str(SCHOOL_YEAR + 1)
        assert (r["SCHOOL_YEAR"], r["BUILDING"].strip(), r["COURSE"].strip()) in catalog
    current = {r for r in catalog if r[0] == str(SCHOOL_YEAR)}
    for r in data["grades"]:
        if r["SCHOOL_YEAR"] == str(SCHOOL_YEAR):
            assert (r["SCHOOL_YEAR"], r["BUILDING"].strip(), r["COURSE"].strip()) in current


@pytest.mark.parametrize("variant", VARIANTS)
def test_alternates_stand_in_for_a_primary_request(variant, rows):
    requests = rows[variant]["course_requests"]
    primaries = {
        (r["STUDENT_ID"], r["SCHOOL_YEAR"], r["COURSE"].strip())
        for r in requests
        if r["REQUEST_TYPE"] == "R"
    }
    alternates = [r for r in requests if r["REQUEST_TYPE"] == "A"]
    assert alternates
    for r in alternates:
        assert (r["STUDENT_ID"], r["SCHOOL_YEAR"], r["ALT_TO_REQUEST"].strip()) in primaries
        assert int(r["ALTERNATE_SEQUENCE"]) >= 1
    for r in requests:
        if r["REQUEST_TYPE"] == "R":
            assert r["ALT_TO_REQUEST"] == r["ALTERNATE_SEQUENCE"] == ""


def test_district_defined_mark_types_and_file_names(tmp_path):
    """cedar_bend_isd (districts.yml `demo: mark_types`, `files:`): its marks carry its own
    MARK_TYPE codes where the SIS-wide ones would be, its GPA run terms stay the SIS codes,
    and every file has its fixed name without a date."""
    cedar = next(d for d in load_registry() if d.id == "cedar_bend_isd")
    own = cedar.demo["mark_types"]
    assert own == {"S1": "SEM1", "S2": "SEM2", "FIN": "FINL"}
    gen = generate_district(cedar, tmp_path, night=NIGHT, students=STUDENTS)
    assert {p.name for p in gen.files.values()} == {
        "Students.csv", "Staff.csv", "Courses.csv", "CourseRequests.csv", "Grades.csv", "GPA.csv",
    }  # fmt: skip
    marks = {r["MARK_TYPE"] for r in _rows(gen, cedar, "grades")}
    assert {"SEM1", "SEM2"} <= marks
    assert not marks & set(own)  # never the SIS-wide code it replaces
    assert marks - set(own.values()) <= {"Q1", "Q2", "Q3", "Q4", "T1", "T2", "T3", "Y1"}
    run_terms = {r["RUN_TERM_YEAR"] for r in _rows(gen, cedar, "gpa")} - {""}
    assert run_terms and not run_terms & set(own.values())
