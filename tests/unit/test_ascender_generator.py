"""The synthetic Ascender generator writes valid files exactly as declared, quirks included."""

from __future__ import annotations

import csv
import dataclasses
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from ingest.declarations import declarations_for
from ingest.paths import REPO_ROOT
from ingest.registry import District, load_registry
from ingest.simulation.generators import GeneratedDistrict, generate_district

NIGHT = date(2026, 11, 28)
SCHOOL_YEAR = 2027  # spring year of the night
STUDENTS = 150
DECLS = {d.dataset: d for d in declarations_for("ascender")}
GRADE_CODES = {"EE", "PK", "KG", *(f"{g:02d}" for g in range(1, 13))}

Rows = dict[str, list[dict[str, str]]]


@pytest.fixture(scope="module")
def district() -> District:
    (found,) = [d for d in load_registry() if d.sis == "ascender"]
    return found


@pytest.fixture(scope="module")
def generated(district, tmp_path_factory) -> GeneratedDistrict:
    return generate_district(
        district, tmp_path_factory.mktemp("ascender"), night=NIGHT, students=STUDENTS
    )


def _records(path: Path, encoding: str) -> list[list[str]]:
    """Data records of an unquoted pipe file (blank trailing lines dropped)."""
    lines = path.read_bytes().decode(encoding).split("\r\n")
    while lines and not lines[-1]:
        lines.pop()
    return [line.split("|") for line in lines]


@pytest.fixture(scope="module")
def rows(generated, district) -> Rows:
    out = {}
    for dataset, path in generated.files.items():
        header, *records = _records(path, district.demo["encoding"])
        assert header == list(DECLS[dataset].columns), dataset
        out[dataset] = [dict(zip(header, r, strict=True)) for r in records]
    return out


def _seed_codes(seed: str) -> set[str]:
    with open(REPO_ROOT / "seeds" / f"{seed}.csv", encoding="utf-8", newline="") as f:
        return {r["source_code"] for r in csv.DictReader(f) if r["sis"] == "ascender"}


def _unique(rows: list[dict[str, str]], *columns: str) -> bool:
    return all(n == 1 for n in Counter(tuple(r[c] for c in columns) for r in rows).values())


# --------------------------------------------------------------------------- files


def test_file_names_follow_cdn_dataset_date(generated, district):
    assert district.state_district_id == "057999"
    assert sorted(p.name for p in generated.files.values()) == sorted(
        f"057999_{name}_20261128.txt"
        for name in ("STUDENTS", "TEACHERS", "COURSES", "REQUESTS", "GRADES", "GPA", "IBC")
    )
    for dataset, path in generated.files.items():
        assert DECLS[dataset].matches(path.name)
        # the patterns do not overlap: each file matches exactly one declaration
        assert [d for d in DECLS.values() if d.matches(path.name)] == [DECLS[dataset]]


def test_same_inputs_give_identical_bytes_and_seed_changes_them(district, tmp_path):
    first = generate_district(district, tmp_path / "a", night=NIGHT, students=60)
    second = generate_district(district, tmp_path / "b", night=NIGHT, students=60)
    other = generate_district(district, tmp_path / "c", night=NIGHT, students=60, seed=99)
    for dataset, path in first.files.items():
        assert path.read_bytes() == second.files[dataset].read_bytes(), dataset
        assert path.read_bytes() != other.files[dataset].read_bytes(), dataset


def test_every_record_has_the_declared_columns_and_crlf(generated, district):
    for dataset, path in generated.files.items():
        raw = path.read_bytes()
        assert raw.count(b"\n") == raw.count(b"\r\n") == raw.count(b"\r"), dataset
        assert b'"' not in raw, dataset  # no text qualifier in pipe exports
        records = _records(path, district.demo["encoding"])
        assert all(len(r) == len(DECLS[dataset].columns) for r in records), dataset
        assert generated.rows[dataset] == len(records) - 1, dataset


def test_expected_marts_are_the_rows_written(generated, rows, district):
    assert generated.expected_marts == {
        "dim_school": len(district.schools),
        "dim_student": len(rows["students"]),
        "dim_staff": len(rows["teachers"]),
        "dim_course": len(rows["courses"]),
        "fct_course_request": len(rows["requests"]),
        "fct_student_grade": len(rows["grades"]),
        "fct_student_gpa": len(rows["gpa"]),
        "fct_student_certification": len(rows["ibc"]),
    }
    assert len(rows["students"]) == STUDENTS
    assert all(n > 0 for n in generated.expected_marts.values())


# --------------------------------------------------------------------------- encodings


def test_windows_1252_bytes_are_exact(generated, district):
    assert district.demo["encoding"] == "windows-1252"
    raw = generated.files["students"].read_bytes()
    first = raw.split(b"\r\n")[1].split(b"|")
    assert (first[4], first[5]) == (b"Pe\xf1a", b"Jos\xe9")  # José Peña, first student
    assert b"O\x92Brien" in raw  # the typographic apostrophe, outside Latin-1
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_utf8_bytes_are_exact(district, tmp_path):
    gen = generate_district(district, tmp_path, night=NIGHT, students=30, encoding="utf-8")
    raw = gen.files["students"].read_bytes()
    assert raw.startswith(b"DistrictID|CampusID|")  # no BOM
    assert "|Peña|José|".encode() in raw and "O’Brien".encode() in raw


# --------------------------------------------------------------------------- quirks


def test_both_campus_forms_in_every_file(rows, district):
    local = {s.school_id for s in district.schools}
    state = {s.state_school_id for s in district.schools}
    for dataset, records in rows.items():
        campuses = {r["CampusID"] for r in records}
        assert campuses & local and campuses & state, dataset
        assert campuses <= local | state, dataset
        assert all(c[:6] == "057999" for c in campuses & state), dataset


def test_ids_keep_leading_zeros_and_codes_are_ascender_codes(rows):
    students = rows["students"]
    assert all(re.fullmatch(r"\d{6}", s["StudentID"]) for s in students)
    assert any(s["StudentID"].startswith("0") for s in students)
    assert {s["Grade"] for s in students} <= GRADE_CODES
    assert {"EE", "PK", "KG"} <= {s["Grade"] for s in students}
    assert {r["GradeLevel"] for r in rows["grades"]} <= GRADE_CODES
    roles = {r["Role"] for r in rows["teachers"]}
    assert "Teacher" in roles and "TEACHER" in roles  # mixed spellings of one code


def test_every_code_maps_to_a_crosswalk_row(rows):
    def upper(dataset: str, column: str) -> set[str]:
        return {r[column].upper() for r in rows[dataset] if r[column]}

    assert upper("students", "Grade") <= _seed_codes("xwalk_grade_levels")
    assert upper("grades", "GradeLevel") <= _seed_codes("xwalk_grade_levels")
    assert upper("students", "EnrollStatus") <= _seed_codes("xwalk_enrollment_statuses")
    assert upper("teachers", "Role") <= _seed_codes("xwalk_staff_roles")
    assert upper("requests", "RequestType") == _seed_codes("xwalk_request_types")
    assert upper("requests", "Semester") <= _seed_codes("xwalk_terms")
    assert upper("grades", "Semester") <= _seed_codes("xwalk_terms")
    assert upper("gpa", "GPAType") <= _seed_codes("xwalk_gpa_types")
    codes = {g["FinalGrade"] for g in rows["grades"] if not g["FinalGrade"].isdigit()} - {""}
    assert codes and codes <= _seed_codes("xwalk_grade_marks")


# --------------------------------------------------------------------------- content rules


def test_students_are_valid(rows):
    students = rows["students"]
    assert _unique(students, "StudentID") and _unique(students, "TXUniqueStudentID")
    for s in students:
        assert s["DistrictID"] == "057999"
        assert re.fullmatch(r"\d{10}", s["TXUniqueStudentID"])
        assert s["Sex"] in ("M", "F") and s["EnrollStatus"] in ("A", "W")
        entry = datetime.strptime(s["EntryDate"], "%m/%d/%Y").date()
        datetime.strptime(s["DOB"], "%m/%d/%Y")
        assert entry <= NIGHT
        if s["EnrollStatus"] == "W":
            assert entry <= datetime.strptime(s["WithdrawalDate"], "%m/%d/%Y").date() <= NIGHT
        else:
            assert s["WithdrawalDate"] == ""


def test_staff_are_valid(rows):
    staff = rows["teachers"]
    assert _unique(staff, "EmployeeID") and _unique(staff, "TXUniqueStaffID")
    for t in staff:
        assert re.fullmatch(r"\d{6}", t["EmployeeID"])
        assert re.fullmatch(r"\d{10}", t["TXUniqueStaffID"])
        assert re.fullmatch(r"[a-z0-9.]+@mesquite-springs-isd\.example\.org", t["Email"])


def test_courses_cover_this_year_and_next(rows):
    courses = rows["courses"]
    assert _unique(courses, "SchoolYear", "CourseNbr")
    assert {c["SchoolYear"] for c in courses} == {str(SCHOOL_YEAR), str(SCHOOL_YEAR + 1)}
    for c in courses:
        assert re.fullmatch(r"[0-9A-Z]{8}", c["ServiceID"]) and c["Credits"] in ("0.5", "1.0")


def test_requests_reference_students_and_next_years_courses(rows):
    students = {s["StudentID"] for s in rows["students"]}
    courses = {(c["SchoolYear"], c["CourseNbr"]) for c in rows["courses"]}
    requests = rows["requests"]
    assert _unique(requests, "StudentID", "SchoolYear", "CourseNbr")
    for r in requests:
        assert r["StudentID"] in students
        assert r["SchoolYear"] == str(SCHOOL_YEAR + 1)
        assert (r["SchoolYear"], r["CourseNbr"]) in courses
        if r["RequestType"] == "P":
            assert r["AltPriority"] == ""
        else:
            assert r["RequestType"] == "A" and r["AltPriority"] in ("1", "2")
    assert {r["AltPriority"] for r in requests} == {"", "1", "2"}


def test_grades_reference_students_and_courses(rows):
    students = {s["StudentID"]: s for s in rows["students"]}
    course_numbers = {c["CourseNbr"] for c in rows["courses"]}
    grades = rows["grades"]
    assert _unique(grades, "StudentID", "SchoolYear", "Semester", "CourseNbr", "CourseSection")
    for g in grades:
        student = students[g["StudentID"]]
        assert g["TXUniqueStudentID"] == student["TXUniqueStudentID"]
        assert g["CourseNbr"] in course_numbers
        assert int(g["SchoolYear"]) <= SCHOOL_YEAR
        attempted = float(g["CreditAttempted"])
        assert 0 <= float(g["CreditEarned"] or 0) <= attempted
        for column in ("Cycle1", "Cycle2", "Cycle3", "ExamGrade", "SemAvg"):
            assert g[column] == "" or 0 <= int(g[column]) <= 100
        assert g["DualCredit"] in ("Y", "N") and g["APIB"] in ("Y", "N")
    # the semester in progress on the night: finished cycles only, nothing posted yet
    current = [g for g in grades if g["SchoolYear"] == str(SCHOOL_YEAR)]
    assert current and all(g["Semester"] == "1" and g["FinalGrade"] == "" for g in current)
    assert all(g["Cycle1"] and g["Cycle2"] and not g["Cycle3"] for g in current)


def test_gpa_and_ibc_are_valid(rows):
    students = {s["StudentID"] for s in rows["students"]}
    gpa = rows["gpa"]
    assert _unique(gpa, "StudentID", "SchoolYear", "GPAType")
    for r in gpa:
        assert r["StudentID"] in students
        assert r["GPAScale"] in ("4", "5", "6", "100")
        assert 0 <= float(r["GPA"]) <= float(r["GPAScale"])
        assert 1 <= int(r["ClassRank"]) <= int(r["ClassSize"])
    ibc = rows["ibc"]
    assert ibc[0]["StudentID"] == rows["students"][0]["StudentID"]  # José Peña always has one
    assert _unique(ibc, "StudentID", "CertificationCode", "DateEarned")
    for r in ibc:
        assert r["StudentID"] in students
        assert re.fullmatch(r"\d{3,4}", r["CertificationCode"])
        assert datetime.strptime(r["DateEarned"], "%m/%d/%Y").date() < NIGHT
        assert re.fullmatch(r"\d{5}", r["VendorNbr"])
        assert r["ExamFee"] == "" or float(r["ExamFee"]) >= 0


def test_district_without_a_six_digit_cdn_is_refused(district, tmp_path):
    other = dataclasses.replace(district, state_district_id="57999")
    with pytest.raises(ValueError, match="6-digit county-district number"):
        generate_district(other, tmp_path, night=NIGHT, students=10)
