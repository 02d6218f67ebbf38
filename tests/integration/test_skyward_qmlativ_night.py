"""Skyward Qmlativ end to end: the synthetic Indiana district on a real SFTP server on
127.0.0.1 (OpenSSH sshd when installed), ingest into the real DuckDB file, dbt build, then
assertions on the marts: every generated row arrives, nothing is rejected, and Qmlativ's
quirks (STN and DOE codes with leading zeros, True/False flags, ranked alternates, mixed
kindergarten codes, two SchoolYear spellings) come out right.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.integration

SIS = "skyward_qmlativ"
STUDENTS = 100  # small enough for CI, large enough for every code path
DATASETS = {"students", "staff", "courses", "course_requests", "grades", "gpa"}


def _query(db: Path, sql: str, *params):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _file_rows(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8")
    return [r for r in csv.DictReader(io.StringIO(text, newline="")) if any(r.values())]


def after_night(number: int, seen: dict) -> None:
    if number == 1:  # what was written, to compare the marts with
        seen["files"] = {
            district_id: {ds: _file_rows(path) for ds, path in gen.files.items()}
            for district_id, gen in seen["generated"].items()
        }
        seen["report"] = seen["night1"]


@pytest.fixture(scope="module")
def night(demo_nights):
    """Night 1, played with every other selected SIS's (tests/integration/conftest.py)."""
    return demo_nights[SIS]


@pytest.fixture(scope="module")
def district_id(night) -> str:
    (district,) = night["districts"]
    return district.id


def test_served_by_openssh_when_installed(night):
    from ingest.simulation.sftp_server import openssh_available

    assert night["server_kinds"] == ({"openssh"} if openssh_available() else {"paramiko"})


def test_every_file_loads(night, district_id):
    report = night["report"]
    assert not report.district_errors
    statuses = {
        f.entry["dataset"]: (f.status, f.entry.get("reason"))
        for n in report.nights
        for f in n.files
        if n.district.id == district_id
    }
    assert set(statuses) == DATASETS
    assert {s for s, _ in statuses.values()} == {"loaded"}, statuses
    encodings = _query(
        night["db"],
        "select distinct encoding from pathways_meta.file_manifest where district_id = ?",
        district_id,
    )
    assert encodings == [("utf-8",)]


def test_marts_hold_every_generated_row_and_nothing_is_rejected(night):
    report = night["report"]
    assert report.build.success and not report.build.errors, report.build.errors
    for district_id, generated in night["generated"].items():
        got = report.mart_rows[district_id]
        for mart, rows in generated.expected_marts.items():
            assert got[mart] == rows, (district_id, mart, got[mart], rows)
        assert report.rejected_rows[district_id] == 0
        assert all(n > 0 for mart, n in got.items() if mart != "fct_student_certification")


def test_accented_names_are_byte_exact(night, district_id):
    students = _query(
        night["db"],
        "select first_name, last_name from marts.dim_student where district_id = ?",
        district_id,
    )
    assert ("José", "Peña") in students
    assert ("Zoë", "O’Brien") in students
    # the bytes, not only the characters: é (c3 a9), ñ (c3 b1), ’ (e2 80 99)
    names = {f"{first} {last}".encode() for first, last in students}
    assert b"Jos\xc3\xa9 Pe\xc3\xb1a" in names and b"Zo\xc3\xab O\xe2\x80\x99Brien" in names
    staff = _query(
        night["db"],
        "select first_name || ' ' || last_name from marts.dim_staff where district_id = ?",
        district_id,
    )
    written = night["files"][district_id]["staff"]
    assert sorted(n for (n,) in staff) == sorted(
        f"{r['FirstName']} {r['LastName']}" for r in written
    )


def test_stn_and_course_codes_keep_leading_zeros(night, district_id):
    files = night["files"][district_id]
    db = night["db"]
    stns = _query(
        db,
        "select student_id, state_student_id from marts.dim_student where district_id = ?",
        district_id,
    )
    assert sorted(stns) == sorted(
        (r["StudentNumber"], r["StudentTestNumber"]) for r in files["students"]
    )
    assert any(stn.startswith("0") for _, stn in stns)
    assert any(number.startswith("0") for number, _ in stns)
    courses = _query(
        db,
        "select school_year, course_code, state_course_code from marts.dim_course "
        "where district_id = ?",
        district_id,
    )
    assert sorted(courses) == sorted(
        (int(c["SchoolYear"]), c["CourseCode"], c["StateCourseCode"]) for c in files["courses"]
    )
    assert any(code.startswith("0") for _, _, code in courses)
    graded = _query(
        db,
        "select distinct state_course_code from marts.fct_student_grade where district_id = ?",
        district_id,
    )
    assert all(len(code) == 4 for (code,) in graded)
    assert any(code.startswith("0") for (code,) in graded)


def test_true_false_flags_become_booleans(night, district_id):
    files = night["files"][district_id]
    db = night["db"]
    requests = _query(
        db,
        "select student_id, course_code, is_alternate, request_rank from marts.fct_course_request "
        "where district_id = ?",
        district_id,
    )
    expected = {
        (r["StudentNumber"], r["CourseCode"]): (
            r["IsAlternate"] == "True",
            int(r["AlternateRank"]) if r["AlternateRank"] else None,
        )
        for r in files["course_requests"]
    }
    got = {(s, c): (alt, rank) for s, c, alt, rank in requests}
    assert got == expected
    assert {alt for alt, _ in got.values()} == {True, False}
    assert {rank for alt, rank in got.values() if alt} >= {1, 2}  # alternates flagged with rank
    assert {rank for alt, rank in got.values() if not alt} == {None}

    honors = _query(
        db,
        "select course_code, school_year, is_honors from marts.dim_course where district_id = ?",
        district_id,
    )
    assert {(c, y): h for c, y, h in honors} == {
        (c["CourseCode"], int(c["SchoolYear"])): c["IsHonors"] == "True" for c in files["courses"]
    }
    statuses = dict(
        _query(
            db,
            "select student_id, enrollment_status from marts.dim_student where district_id = ?",
            district_id,
        )
    )
    assert statuses == {
        s["StudentNumber"]: "active" if s["IsActive"] == "True" else "inactive"
        for s in files["students"]
    }
    roles = dict(
        _query(
            db,
            "select staff_id, staff_role from marts.dim_staff where district_id = ?",
            district_id,
        )
    )
    role_of = {
        ("True", "False"): "teacher",
        ("False", "True"): "counselor",
        ("True", "True"): "counselor",
        ("False", "False"): "staff",
    }
    assert roles == {
        s["StaffNumber"]: role_of[(s["IsTeacher"], s["IsCounselor"])] for s in files["staff"]
    }


def test_grade_levels_and_school_years(night, district_id):
    files = night["files"][district_id]
    db = night["db"]
    grades = dict(
        _query(
            db,
            "select student_id, grade_level || ':' || grade_level_number from marts.dim_student "
            "where district_id = ?",
            district_id,
        )
    )
    for s in files["students"]:
        number = int(s["GradeNumeric"])
        level = "KG" if number == 0 else "PK" if number == -1 else f"{number:02d}"
        assert grades[s["StudentNumber"]] == f"{level}:{number}", s
    assert {s["Grade"] for s in files["students"] if s["GradeNumeric"] == "0"} == {"KG", "K", "00"}

    years = _query(
        db,
        "select school_year, count(*) from marts.fct_student_grade where district_id = ? "
        "group by all",
        district_id,
    )
    spans = {}
    for g in files["grades"]:
        spring = int(g["SchoolYear"].split("-")[1])  # `2025-2026` -> 2026
        spans[spring] = spans.get(spring, 0) + 1
    assert dict(years) == spans
    scales = _query(
        db,
        "select gpa_type, min(scale_max), max(scale_max), count(*) from marts.fct_student_gpa "
        "where district_id = ? group by all order by 1",
        district_id,
    )
    methods = {}
    for r in files["gpa"]:
        methods[r["GPAMethod"].lower()] = methods.get(r["GPAMethod"].lower(), 0) + 1
    assert [(t, float(lo), float(hi), n) for t, lo, hi, n in scales] == [
        (t, s, s, methods[t]) for t, s in (("state", 4.0), ("unweighted", 4.0), ("weighted", 5.0))
    ]
