"""The synthetic Skyward Qmlativ generator writes valid files exactly as declared, with the
quirks of the SIS, and every code it uses maps through the crosswalk seeds."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from ingest.declarations import declarations_for
from ingest.paths import REPO_ROOT
from ingest.registry import District, load_registry
from ingest.simulation.generators import GeneratedDistrict, generate_district
from ingest.simulation.generators.skyward_qmlativ import GRADING_PERIODS

SIS = "skyward_qmlativ"
NIGHT = date(2026, 11, 27)
SCHOOL_YEAR = 2027  # spring year of the night
DECLS = {d.dataset: d for d in declarations_for(SIS)}
DATASETS = ("students", "staff", "courses", "course_requests", "grades", "gpa")
BOOLEANS = ("True", "False")
GRADE_NUMBERS = {"PK": -1, "KG": 0, "K": 0, "00": 0}


def _grade_number(code: str) -> int:
    return GRADE_NUMBERS[code] if code in GRADE_NUMBERS else int(code)


@pytest.fixture(scope="module")
def district() -> District:
    found = [d for d in load_registry() if d.sis == SIS]
    assert [d.state for d in found] == ["IN"], "the demo needs one Indiana Qmlativ district"
    return found[0]


@pytest.fixture(scope="module")
def generated(district, tmp_path_factory) -> GeneratedDistrict:
    return generate_district(district, tmp_path_factory.mktemp("qmlativ"), night=NIGHT)


def _records(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    """Every CSV record of a file, blank trailing lines included as empty records."""
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


def _rows(gen: GeneratedDistrict, dataset: str) -> list[dict[str, str]]:
    records = [r for r in _records(gen.files[dataset]) if r]
    assert records[0] == list(DECLS[dataset].columns)
    return [dict(zip(DECLS[dataset].columns, r, strict=True)) for r in records[1:]]


@pytest.fixture(scope="module")
def rows(generated) -> dict[str, list[dict[str, str]]]:
    return {dataset: _rows(generated, dataset) for dataset in DATASETS}


def _unique(rows: list[dict[str, str]], *columns: str) -> bool:
    return all(n == 1 for n in Counter(tuple(r[c] for c in columns) for r in rows).values())


def _seed(name: str) -> list[dict[str, str]]:
    with (REPO_ROOT / "seeds" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _seed_codes(name: str) -> dict[str, dict[str, str]]:
    return {r["source_code"]: r for r in _seed(name) if r["sis"] == SIS}


# --------------------------------------------------------------------------- files


def test_file_names_follow_the_declared_patterns(generated):
    assert sorted(generated.files) == sorted(DATASETS)
    for dataset, path in generated.files.items():
        assert DECLS[dataset].matches(path.name), (dataset, path.name)
        assert path.name == f"qmlativ_{dataset}_20261127.csv"
    # one pattern never claims another dataset's file (courses_* vs course_requests_*)
    for path in generated.paths:
        assert [d for d in DECLS.values() if d.matches(path.name)] != []
        assert len([d for d in DECLS.values() if d.matches(path.name)]) == 1, path.name


def test_same_inputs_give_identical_bytes_and_seed_changes_them(district, tmp_path):
    first = generate_district(district, tmp_path / "a", night=NIGHT, students=120)
    second = generate_district(district, tmp_path / "b", night=NIGHT, students=120)
    other = generate_district(district, tmp_path / "c", night=NIGHT, students=120, seed=99)
    for dataset, path in first.files.items():
        assert path.read_bytes() == second.files[dataset].read_bytes(), dataset
    assert first.expected_marts == second.expected_marts
    for dataset in ("students", "grades", "course_requests"):
        assert first.files[dataset].read_bytes() != other.files[dataset].read_bytes()


def test_every_line_has_the_declared_columns_and_a_header(generated):
    for dataset, path in generated.files.items():
        records = _records(path)
        body = list(records)
        while body and not body[-1]:
            body.pop()
        assert len(records) - len(body) <= 2, dataset  # blank lines only at the very end
        assert body[0] == list(DECLS[dataset].columns), dataset
        assert all(len(r) == len(DECLS[dataset].columns) for r in body), dataset
        assert generated.rows[dataset] == len(body) - 1, dataset
    assert any(p.read_bytes().endswith(b"\r\n\r\n") for p in generated.files.values())


def test_crlf_line_ends_and_quoted_commas(generated):
    for path in generated.files.values():
        raw = path.read_bytes()
        assert raw.count(b"\n") == raw.count(b"\r\n") == raw.count(b"\r") > 0, path.name
    courses = generated.files["courses"].read_text(encoding="utf-8")
    assert re.search(r'"[^"]*,[^"]*"', courses)


def test_expected_marts_match_rows_written(generated, district, rows):
    assert generated.expected_marts == {
        "dim_student": len(rows["students"]),
        "dim_staff": len(rows["staff"]),
        "dim_course": len(rows["courses"]),
        "fct_course_request": len(rows["course_requests"]),
        "fct_student_grade": len(rows["grades"]),
        "fct_student_gpa": len(rows["gpa"]),
        "fct_student_certification": 0,
        "dim_school": len(district.schools),
    }
    assert generated.rows["students"] == district.demo["students"]


# --------------------------------------------------------------------------- encoding


def test_utf8_bytes_are_exact_without_a_bom(generated, rows):
    assert generated.files["students"].read_bytes().startswith(b"StudentNumber,")
    raw = generated.files["students"].read_bytes()
    assert "José".encode() in raw and "Peña".encode() in raw
    assert "O’Brien".encode() == b"O\xe2\x80\x99Brien" and b"O\xe2\x80\x99Brien" in raw
    assert "Zoë".encode() in raw
    first = rows["students"][0]
    assert (first["FirstName"], first["LastName"]) == ("José", "Peña")


# --------------------------------------------------------------------------- quirks


def test_ids_keep_leading_zeros(rows):
    students = rows["students"]
    assert all(re.fullmatch(r"\d{6}", s["StudentNumber"]) for s in students)
    assert all(re.fullmatch(r"\d{9}", s["StudentTestNumber"]) for s in students)
    assert any(s["StudentTestNumber"].startswith("0") for s in students)
    assert any(s["StudentNumber"].startswith("0") for s in students)
    courses = rows["courses"]
    assert all(re.fullmatch(r"\d{4}", c["StateCourseCode"]) for c in courses)
    assert all(re.fullmatch(r"\d{4}", c["CourseCode"]) for c in courses)
    assert any(c["StateCourseCode"].startswith("0") for c in courses)
    assert any(c["CourseCode"].startswith("0") for c in courses)
    assert {s["EntityCode"] for s in students} <= {"0100", "0200", "0300"}


def test_booleans_are_true_or_false(rows):
    flags = {
        "students": ("IsActive",),
        "staff": ("IsTeacher", "IsCounselor"),
        "courses": ("IsHonors",),
        "course_requests": ("IsAlternate",),
    }
    for dataset, columns in flags.items():
        for column in columns:
            seen = {r[column] for r in rows[dataset]}
            assert seen <= set(BOOLEANS), (dataset, column, seen)
            assert seen == set(BOOLEANS), (dataset, column, seen)  # both occur


def test_grade_codes_mix_kindergarten_spellings_and_agree_with_grade_numeric(rows):
    students = rows["students"]
    codes = {s["Grade"] for s in students}
    assert {"KG", "K", "00"} <= codes
    for s in students:
        assert int(s["GradeNumeric"]) == _grade_number(s["Grade"]), s


def test_school_year_spellings(rows):
    for dataset in ("students", "courses", "course_requests"):
        assert all(re.fullmatch(r"\d{4}", r["SchoolYear"]) for r in rows[dataset]), dataset
    for dataset in ("grades", "gpa"):
        for r in rows[dataset]:
            start, end = r["SchoolYear"].split("-")
            assert int(end) == int(start) + 1 and int(end) <= SCHOOL_YEAR, r
    assert {s["SchoolYear"] for s in rows["students"]} == {str(SCHOOL_YEAR)}
    assert {r["SchoolYear"] for r in rows["courses"]} == {str(SCHOOL_YEAR), str(SCHOOL_YEAR + 1)}
    assert {r["SchoolYear"] for r in rows["course_requests"]} == {str(SCHOOL_YEAR + 1)}


def test_every_grading_period_occurs(rows):
    assert {g["GradingPeriod"] for g in rows["grades"]} == set(GRADING_PERIODS)


# --------------------------------------------------------------------------- crosswalks


def test_every_code_maps_through_the_crosswalk_seeds(rows):
    upper = str.upper
    used = {
        "xwalk_grade_levels": {upper(s["Grade"]) for s in rows["students"]},
        "xwalk_enrollment_statuses": {upper(s["IsActive"]) for s in rows["students"]},
        "xwalk_staff_roles": {upper(f"{s['IsTeacher']}|{s['IsCounselor']}") for s in rows["staff"]},
        "xwalk_request_types": {upper(r["IsAlternate"]) for r in rows["course_requests"]},
        "xwalk_request_statuses": {upper(r["RequestStatus"]) for r in rows["course_requests"]},
        "xwalk_terms": {upper(g["GradingPeriod"]) for g in rows["grades"]},
        "xwalk_grade_marks": {
            upper(g["GradeMark"]) for g in rows["grades"] if not g["GradeMark"].isdigit()
        },
        "xwalk_gpa_types": {upper(g["GPAMethod"]) for g in rows["gpa"]},
        "xwalk_gpa_scales": {upper(g["GPAMethod"]) for g in rows["gpa"]},
    }
    for seed, codes in used.items():
        assert codes, seed
        assert codes <= set(_seed_codes(seed)), (seed, codes - set(_seed_codes(seed)))
    roles = {_seed_codes("xwalk_staff_roles")[c]["staff_role"] for c in used["xwalk_staff_roles"]}
    assert roles == {"teacher", "counselor", "staff"}


def test_grade_numeric_agrees_with_the_grade_crosswalk(rows):
    levels = _seed_codes("xwalk_grade_levels")
    for s in rows["students"]:
        assert int(levels[s["Grade"]]["grade_level_number"]) == int(s["GradeNumeric"])


# --------------------------------------------------------------------------- integrity


def test_students_and_staff(rows, district):
    students, staff = rows["students"], rows["staff"]
    schools = {s.school_id: s for s in district.schools}
    assert _unique(students, "StudentNumber") and _unique(students, "StudentTestNumber")
    assert _unique(staff, "StaffNumber")
    counselors = {s["StaffNumber"] for s in staff if s["IsCounselor"] == "True"}
    for s in students:
        assert s["EntityCode"] in schools and s["Gender"] in ("M", "F")
        school = schools[s["EntityCode"]]
        assert _grade_number(school.grade_low) <= int(s["GradeNumeric"])
        assert int(s["GradeNumeric"]) <= _grade_number(school.grade_high)
        datetime.strptime(s["BirthDate"], "%m/%d/%Y")
        assert s["CounselorStaffNumber"] in counselors | {""}
    assert any(s["CounselorStaffNumber"] for s in students)
    for s in staff:
        assert s["EntityCode"] in schools
        assert re.fullmatch(r"[a-z]+@[a-z]+\.example\.org", s["Email"]), s["Email"]


def test_courses_are_unique_per_year(rows):
    courses = rows["courses"]
    assert _unique(courses, "SchoolYear", "CourseCode")
    for c in courses:
        assert c["EarnedCredits"] in ("0.5", "1.0")
        assert c["IsHonors"] == (
            "True" if "Honors" in c["Description"] or "AP " in c["Description"] else "False"
        )


def test_grades_reference_students_and_courses(rows):
    students = {s["StudentNumber"]: s for s in rows["students"]}
    courses = {(c["EntityCode"], c["CourseCode"]) for c in rows["courses"]}
    grades = rows["grades"]
    key = ("StudentNumber", "SchoolYear", "GradingPeriod", "CourseCode", "SectionCode")
    assert _unique(grades, *key)
    for g in grades:
        assert int(students[g["StudentNumber"]]["GradeNumeric"]) >= 6
        assert (g["EntityCode"], g["CourseCode"]) in courses
        attempted, earned = float(g["AttemptedCredits"]), float(g["EarnedCredits"])
        assert 0 <= earned <= attempted
        if g["GradingPeriod"].startswith("Q"):
            assert attempted == 0  # progress periods carry no credit
        mark = g["GradeMark"]
        assert mark.isdigit() or mark in _seed_codes("xwalk_grade_marks")
        if mark.isdigit():
            assert 0 <= int(mark) <= 100


def test_gpa_within_the_seed_scale(rows):
    students = {s["StudentNumber"]: s for s in rows["students"]}
    scales = {code: float(r["scale_max"]) for code, r in _seed_codes("xwalk_gpa_scales").items()}
    gpa = rows["gpa"]
    assert _unique(gpa, "StudentNumber", "SchoolYear", "GPAMethod")
    for r in gpa:
        assert 0 <= float(r["GPA"]) <= scales[r["GPAMethod"].upper()]
        assert 1 <= int(r["Rank"]) <= int(r["OutOf"]) and float(r["GPACredits"]) >= 0
    graded = {n for n, s in students.items() if int(s["GradeNumeric"]) >= 6}
    assert {r["StudentNumber"] for r in gpa} == graded


def test_course_requests_rank_alternates(rows):
    students = {s["StudentNumber"]: s for s in rows["students"]}
    next_year = {
        (c["EntityCode"], c["CourseCode"])
        for c in rows["courses"]
        if c["SchoolYear"] == str(SCHOOL_YEAR + 1)
    }
    requests = rows["course_requests"]
    assert _unique(requests, "StudentNumber", "SchoolYear", "CourseCode")
    by_student: dict[str, list[dict[str, str]]] = {}
    for r in requests:
        assert (r["EntityCode"], r["CourseCode"]) in next_year
        by_student.setdefault(r["StudentNumber"], []).append(r)
    for number, requested in by_student.items():
        assert 5 <= int(students[number]["GradeNumeric"]) <= 11
        primaries = [r for r in requested if r["IsAlternate"] == "False"]
        alternates = [r for r in requested if r["IsAlternate"] == "True"]
        assert primaries and all(r["AlternateRank"] == "" for r in primaries)
        assert [r["AlternateRank"] for r in alternates] == [
            str(n) for n in range(1, len(alternates) + 1)
        ]
    assert any(r["IsAlternate"] == "True" and r["AlternateRank"] == "2" for r in requests)


def test_only_indiana_districts(district, tmp_path):
    texas = dataclasses.replace(district, state="TX")
    with pytest.raises(ValueError, match="Indiana"):
        generate_district(texas, tmp_path, night=NIGHT)
