"""The synthetic Harmony generator writes two valid term folders exactly as declared."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from ingest.declarations import declarations_for
from ingest.demo import write_night
from ingest.registry import District, load_registry
from ingest.simulation.generators import GeneratedDistrict, generate_district
from ingest.simulation.generators.common import LETTER_MARKS, grade_number
from ingest.simulation.generators.harmony import uploads_for

NIGHT = date(2026, 11, 27)  # fall: the current term is 2027_S1, the previous 2026_S2
CURRENT, PREVIOUS = "2027_S1", "2026_S2"
STUDENTS = 120
DECLS = {d.dataset: d for d in declarations_for("harmony")}
DATASETS = ("students", "teachers", "courses", "course_requests", "grades", "gpa")
Rows = list[dict[str, str]]


@pytest.fixture(scope="module")
def district() -> District:
    (found,) = [d for d in load_registry() if d.sis == "harmony"]
    assert found.demo["encoding"] == "utf-8"
    return found


@pytest.fixture(scope="module")
def generated(district, tmp_path_factory) -> GeneratedDistrict:
    folder = tmp_path_factory.mktemp("harmony")
    return generate_district(district, folder, night=NIGHT, students=STUDENTS)


def _rows(path: Path) -> Rows:
    decl = DECLS[path.stem]
    records = [r for r in csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline=""))]
    records = [r for r in records if r]
    assert records[0] == list(decl.columns), path
    return [dict(zip(decl.columns, r, strict=True)) for r in records[1:]]


def _term(generated: GeneratedDistrict, term: str) -> dict[str, Rows]:
    return {ds: _rows(generated.folder / term / f"{ds}.csv") for ds in DATASETS}


@pytest.fixture(scope="module")
def current(generated) -> dict[str, Rows]:
    return _term(generated, CURRENT)


@pytest.fixture(scope="module")
def previous(generated) -> dict[str, Rows]:
    return _term(generated, PREVIOUS)


def _unique(rows: Rows, *columns: str) -> bool:
    return all(n == 1 for n in Counter(tuple(r[c] for c in columns) for r in rows).values())


# --------------------------------------------------------------------------- files and terms


def test_two_term_folders_with_every_file(generated):
    names = sorted(p.relative_to(generated.folder).as_posix() for p in generated.paths)
    assert names == sorted(f"{t}/{ds}.csv" for t in (PREVIOUS, CURRENT) for ds in DATASETS)
    # every path matches its declaration; the latest written per dataset is the current term
    for dataset, path in generated.files.items():
        assert DECLS[dataset].matches(path.relative_to(generated.folder).as_posix())
        assert path.parent.name == CURRENT


@pytest.mark.parametrize(
    ("night", "terms"),
    [
        (date(2026, 11, 27), ("2026_S2", "2027_S1")),
        (date(2027, 3, 2), ("2027_S1", "2027_S2")),
        (date(2026, 7, 1), ("2026_S2", "2027_S1")),
    ],
)
def test_uploads_follow_the_semesters(night, terms):
    previous, current = uploads_for(night)
    assert (previous.folder, current.folder) == terms
    assert previous.snapshot < current.snapshot == night
    assert sorted([current.folder, previous.folder]) == list(terms)  # names sort by term


def test_every_row_carries_its_folders_term_and_an_iso_snapshot_date(generated):
    for path in generated.paths:
        rows = _rows(path)
        assert rows, path
        assert {r["Term"] for r in rows} == {path.parent.name}
        (snapshot,) = {r["SnapshotDate"] for r in rows}
        date.fromisoformat(snapshot)
    assert _rows(generated.files["students"])[0]["SnapshotDate"] == NIGHT.isoformat()


def test_same_seed_same_bytes_other_seed_other_bytes(district, tmp_path):
    first = generate_district(district, tmp_path / "a", night=NIGHT, students=60)
    again = generate_district(district, tmp_path / "b", night=NIGHT, students=60)
    other = generate_district(district, tmp_path / "c", night=NIGHT, students=60, seed=7)
    for a, b in zip(first.paths, again.paths, strict=True):
        assert a.read_bytes() == b.read_bytes(), a
    assert first.files["grades"].read_bytes() != other.files["grades"].read_bytes()


def test_crlf_and_blank_trailing_lines(generated):
    for path in generated.paths:
        raw = path.read_bytes()
        assert raw.count(b"\n") == raw.count(b"\r\n") > 0, path
    assert any(p.read_bytes().endswith(b"\r\n\r\n") for p in generated.paths)


def test_utf8_bytes_exact_without_bom(generated, current):
    raw = generated.files["students"].read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "José".encode() in raw and "Peña".encode() in raw and "O’Brien".encode() in raw
    first, second = current["students"][:2]
    assert (first["FirstName"], first["LastName"]) == ("José", "Peña")
    assert (second["FirstName"], second["LastName"]) == ("Zoë", "O’Brien")


def test_write_night_twice_replaces_the_term_folders(district, tmp_path):
    write_night([district], tmp_path, NIGHT, students=20)
    again = write_night([district], tmp_path, date(2027, 3, 2), students=20)
    folder = again[district.id].folder
    assert sorted(p.name for p in folder.iterdir()) == ["2027_S1", "2027_S2"]


# --------------------------------------------------------------------------- snapshots


def test_expected_marts_are_the_current_terms_rows(generated, current):
    assert generated.expected_marts == {
        "dim_student": len(current["students"]),
        "dim_staff": len(current["teachers"]),
        "dim_course": len(current["courses"]),
        "fct_course_request": len(current["course_requests"]),
        "fct_student_grade": len(current["grades"]),
        "fct_student_gpa": len(current["gpa"]),
        "fct_student_certification": 0,
        "dim_school": 2,
    }
    assert len(current["students"]) == STUDENTS


def test_the_terms_differ_like_real_snapshots(current, previous):
    now = {r["StudentID"] for r in current["students"]}
    before = {r["StudentID"] for r in previous["students"]}
    assert before - now, "some students left after the previous term"
    assert now - before, "some students arrived since"
    assert len(current["grades"]) > len(previous["grades"])  # a term's marks more
    assert {r["SchoolYear"] for r in current["course_requests"]} == {"2028"}
    assert {r["SchoolYear"] for r in previous["course_requests"]} == {"2027"}
    # marks of terms both snapshots cover are the same marks
    key = ("StudentID", "SchoolYear", "GradingPeriod", "CourseCode", "SectionCode")
    old = {tuple(r[c] for c in key): r["NumericGrade"] for r in previous["grades"]}
    both = [r for r in current["grades"] if tuple(r[c] for c in key) in old]
    assert both and all(old[tuple(r[c] for c in key)] == r["NumericGrade"] for r in both)


# --------------------------------------------------------------------------- validity


@pytest.mark.parametrize("term", [PREVIOUS, CURRENT])
def test_ids_codes_and_references(generated, district, term):
    rows = _term(generated, term)
    campuses = {s.school_id: s.school_id for s in district.schools} | {
        s.state_school_id: s.school_id for s in district.schools
    }
    students = {r["StudentID"]: r for r in rows["students"]}
    staff = {r["StaffID"]: r for r in rows["teachers"]}
    courses = {r["CourseCode"]: r for r in rows["courses"]}
    assert _unique(rows["students"], "StudentID") and _unique(rows["students"], "StateID")
    assert _unique(rows["teachers"], "StaffID") and _unique(rows["courses"], "CourseCode")
    for s in rows["students"]:
        assert re.fullmatch(r"\d{6}", s["StudentID"]) and re.fullmatch(r"\d{10}", s["StateID"])
        assert s["CampusID"] in campuses and 6 <= grade_number(s["GradeLevel"]) <= 12
        assert s["EnrollmentStatus"] in ("Active", "Inactive", "Withdrawn")
        date.fromisoformat(s["BirthDate"])
        assert s["CounselorID"] == "" or staff[s["CounselorID"]]["Role"].lower() == "counselor"
    for t in rows["teachers"]:
        assert t["Role"].lower() in ("teacher", "counselor", "principal", "aide")
        assert t["CampusID"] in campuses and t["Email"].isascii()
    for c in rows["courses"]:
        assert re.fullmatch(r"[0-9A-Z]{8}", c["ServiceID"]) and c["Credits"] in ("0.5", "1.0")
        assert {c[f] for f in ("IsAP", "IsDualCredit", "IsCTE", "IsHonors")} <= {"Y", "N"}
    for r in rows["course_requests"]:
        assert r["StudentID"] in students and r["CourseCode"] in courses
        assert r["RequestType"].upper() in ("PRIMARY", "ALTERNATE", "ALT")
    assert _unique(rows["course_requests"], "StudentID", "SchoolYear", "CourseCode")
    for g in rows["grades"]:
        assert g["StudentID"] in students and g["CourseCode"] in courses
        assert g["GradingPeriod"] in ("S1", "S2") and g["CampusID"] in campuses
    assert _unique(
        rows["grades"], "StudentID", "SchoolYear", "GradingPeriod", "CourseCode", "SectionCode"
    )
    assert {r["StudentID"] for r in rows["gpa"]} <= set(students)
    assert _unique(rows["gpa"], "StudentID", "GPAType")


def test_marks_credits_and_gpa_scales(current):
    for g in current["grades"]:
        attempted, earned = float(g["CreditsAttempted"]), float(g["CreditsEarned"])
        assert 0 <= earned <= attempted
        assert g["LetterGrade"] in ("", *LETTER_MARKS)
        assert g["LetterGrade"] or g["NumericGrade"]
        assert g["NumericGrade"] == "" or 0 <= float(g["NumericGrade"]) <= 100
        assert int(g["SchoolYear"]) <= 2027
    for r in current["gpa"]:
        assert r["GPAType"] in ("Weighted", "Unweighted", "Local")
        assert 0 <= float(r["GPA"]) <= int(r["GPAScale"])
        assert 1 <= int(r["ClassRank"]) <= int(r["ClassSize"])


def test_alternates_are_ranked_after_six_primary_requests(current):
    by_student: dict[str, list[dict[str, str]]] = {}
    for r in current["course_requests"]:
        by_student.setdefault(r["StudentID"], []).append(r)
    for requests in by_student.values():
        primary = [int(r["RequestRank"]) for r in requests if r["RequestType"].upper() == "PRIMARY"]
        alternate = [
            int(r["RequestRank"]) for r in requests if r["RequestType"].upper() != "PRIMARY"
        ]
        assert primary == list(range(1, len(primary) + 1))
        assert alternate == list(range(1, len(alternate) + 1)) and 1 <= len(alternate) <= 2


def test_quirks_staging_must_absorb_are_present(generated, district, current):
    campuses = [r["CampusID"] for ds in DATASETS for r in current[ds] if "CampusID" in r]
    assert {s.state_school_id for s in district.schools} & set(campuses)  # 227999001
    assert {s.school_id for s in district.schools} & set(campuses)  # 001
    grade_codes = {r["GradeLevel"] for r in current["students"] + current["grades"]}
    assert grade_codes & {"6", "7", "8", "9"} and grade_codes & {"06", "07", "08", "09"}
    roles = {r["Role"] for r in current["teachers"]}
    assert any(r.isupper() for r in roles) or any(r.islower() for r in roles)
    kinds = {r["RequestType"] for r in current["course_requests"]}
    assert {k.upper() for k in kinds} >= {"PRIMARY", "ALTERNATE", "ALT"}
    raw = generated.files["courses"].read_bytes().decode()
    assert re.search(r'"[^"]*,[^"]*"', raw)  # titles with commas are quoted
