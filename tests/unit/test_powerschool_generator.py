"""The synthetic PowerSchool generator gives, per PowerQuery, valid records shaped exactly as
the contract says (SIS_LAYOUTS.md, "PowerSchool"): keyed by the declared TABLE.FIELD, values
as text, PowerSchool's codes and ids, deterministic for a seed."""

from __future__ import annotations

import dataclasses
import random
import re
from collections import Counter
from datetime import date

import pytest

from ingest.powerschool.queries import load_queries
from ingest.registry import District, load_registry
from ingest.simulation.generators.powerschool import STORECODES, ApiNight, api_records, build

NIGHT = date(2026, 11, 27)  # school year 2026-27: YEARID 36
YEARID = 36
QUERIES = load_queries()
NAMES = {dataset: q.name for dataset, q in QUERIES.items()}


def _district(**changes) -> District:
    """The demo's PowerSchool district, as districts.yml declares it."""
    district = next(d for d in load_registry() if d.id == "prairie_creek_schools")
    return dataclasses.replace(district, **changes)


@pytest.fixture(scope="module")
def district() -> District:
    return _district()


@pytest.fixture(scope="module")
def night(district) -> ApiNight:
    return api_records(district, NIGHT)


@pytest.fixture(scope="module")
def rec(night) -> dict[str, list[dict[str, str]]]:
    return {dataset: night.records[name] for dataset, name in NAMES.items()}


def _unique(records, *fields) -> bool:
    return all(n == 1 for n in Counter(tuple(r[f] for f in fields) for r in records).values())


def test_records_per_query_name_keyed_by_declared_fields_all_text(night):
    assert set(night.records) == {q.name for q in QUERIES.values()}
    for query in QUERIES.values():
        records = night.records[query.name]
        assert records, query.name
        fields = [c.field for c in query.columns]
        for record in records:
            assert list(record) == fields or set(record) == set(fields)
            assert all(isinstance(v, str) for v in record.values())


def test_order_keys_are_unique(night):
    for query in QUERIES.values():
        assert _unique(night.records[query.name], *query.order_by), query.name


def test_deterministic_for_a_seed(district):
    first = api_records(district, NIGHT, students=120, seed=5)
    second = api_records(district, NIGHT, students=120, seed=5)
    other = api_records(district, NIGHT, students=120, seed=6)
    assert first == second
    assert first.records[NAMES["grades"]] != other.records[NAMES["grades"]]
    assert len(first.records[NAMES["students"]]) == 120


def test_defaults_come_from_the_district_demo_settings(district, night):
    assert len(night.records[NAMES["students"]]) == 400
    assert api_records(district, NIGHT, seed=77, students=400) == night


def test_expected_marts_match_the_records(night, district, rec):
    assert night.expected_marts == {
        "dim_student": len(rec["students"]),
        "dim_staff": len(rec["staff"]),
        "dim_course": len(rec["courses"]),
        "fct_course_request": len(rec["course_requests"]),
        "fct_student_grade": len(rec["grades"]),
        "fct_student_gpa": len(rec["gpa"]),
        "fct_student_certification": 0,
        "dim_school": len(district.schools),
    }


def test_build_keeps_the_generator_contract(district, night):
    built = build(district, random.Random(77), NIGHT, 400, frozenset(QUERIES))
    assert built.files == []
    assert built.expected_marts == {
        k: v for k, v in night.expected_marts.items() if k != "dim_school"
    }


def test_students(rec, district):
    students = rec["students"]
    schools = {s.school_id: s for s in district.schools}
    first = students[0]
    assert (first["STUDENTS.FIRST_NAME"], first["STUDENTS.LAST_NAME"]) == ("José", "Peña")
    assert any(s["STUDENTS.FIRST_NAME"] == "Zoë" for s in students)
    assert _unique(students, "STUDENTS.ID") and _unique(students, "STUDENTS.STUDENT_NUMBER")
    assert _unique(students, "STUDENTS.DCID") and _unique(students, "STUDENTS.STATE_STUDENTNUMBER")
    for s in students:
        assert s["STUDENTS.ID"] != s["STUDENTS.STUDENT_NUMBER"]
        assert re.fullmatch(r"[1-9]\d*", s["STUDENTS.ID"])
        assert re.fullmatch(r"\d{6}", s["STUDENTS.STUDENT_NUMBER"])
        assert re.fullmatch(r"\d{9}", s["STUDENTS.STATE_STUDENTNUMBER"])  # IN STN
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", s["STUDENTS.DOB"])
        date.fromisoformat(s["STUDENTS.DOB"])
        assert s["STUDENTS.GENDER"] in ("M", "F")
        grade = int(s["STUDENTS.GRADE_LEVEL"])
        assert -1 <= grade <= 12 and s["STUDENTS.GRADE_LEVEL"] == str(grade)
        if s["STUDENTS.ENROLL_STATUS"] == "3":
            assert s["STUDENTS.SCHOOLID"] == "999999" and grade == 12
        else:
            school = schools[s["STUDENTS.SCHOOLID"]]
            low = {"PK": -1}.get(school.grade_low) or int(school.grade_low)
            assert low <= grade <= int(school.grade_high)
    assert any(s["STUDENTS.STUDENT_NUMBER"].startswith("0") for s in students)
    assert any(s["STUDENTS.STATE_STUDENTNUMBER"].startswith("0") for s in students)
    assert {s["STUDENTS.GRADE_LEVEL"] for s in students} == {str(g) for g in range(-1, 13)}
    statuses = Counter(s["STUDENTS.ENROLL_STATUS"] for s in students)
    assert set(statuses) == {"-1", "0", "1", "2", "3"}
    assert 1 <= statuses["3"] <= 10 and statuses["0"] > len(students) * 0.8


def test_other_tables_reference_students_id_not_the_student_number(rec):
    ids = {s["STUDENTS.ID"] for s in rec["students"]}
    numbers = {s["STUDENTS.STUDENT_NUMBER"] for s in rec["students"]}
    for dataset, field in (
        ("grades", "STOREDGRADES.STUDENTID"),
        ("course_requests", "SCHEDULEREQUESTS.STUDENTID"),
        ("gpa", "CLASSRANK.STUDENTID"),
    ):
        used = {r[field] for r in rec[dataset]}
        assert used <= ids, dataset
        assert not used & numbers, dataset


def test_courses(rec):
    courses = rec["courses"]
    assert _unique(courses, "COURSES.COURSE_NUMBER")
    for c in courses:
        assert re.fullmatch(r"\d{4}", c["COURSES.COURSE_NUMBER"])
        assert re.fullmatch(r"\d{4}", c["COURSES.ALT_COURSE_NUMBER"])  # IN DOE course code
        assert c["COURSES.CREDIT_HOURS"] in ("0.5", "1.0")
    assert any(c["COURSES.COURSE_NUMBER"].startswith("0") for c in courses)
    assert any(c["COURSES.ALT_COURSE_NUMBER"].startswith("0") for c in courses)


def test_texas_courses_carry_peims_codes(district):
    texas = _district(state="TX", state_district_id="057905")
    courses = api_records(texas, NIGHT, students=60).records[NAMES["courses"]]
    assert all(re.fullmatch(r"[0-9A-Z]{8}", c["COURSES.ALT_COURSE_NUMBER"]) for c in courses)


def test_grades_terms_and_store_codes(rec, district):
    students = {s["STUDENTS.ID"]: s for s in rec["students"]}
    courses = {c["COURSES.COURSE_NUMBER"] for c in rec["courses"]}
    schools = {s.school_id for s in district.schools}
    grades = rec["grades"]
    assert {g["STOREDGRADES.STORECODE"] for g in grades} == set(STORECODES)
    for g in grades:
        termid = int(g["STOREDGRADES.TERMID"])
        assert termid // 100 <= YEARID and termid % 100 in (0, 1, 2)
        code = g["STOREDGRADES.STORECODE"]
        if code == "Y1":
            assert termid % 100 == 0
        if code in ("S1", "S2"):
            assert termid % 100 == int(code[1])
        assert g["STOREDGRADES.COURSE_NUMBER"] in courses
        assert g["STOREDGRADES.SCHOOLID"] in schools
        assert 6 <= int(g["STOREDGRADES.GRADE_LEVEL"]) <= 12
        assert int(students[g["STOREDGRADES.STUDENTID"]]["STUDENTS.GRADE_LEVEL"]) >= 6
        assert re.fullmatch(r"\d+", g["STOREDGRADES.SECTIONID"])
        assert g["STOREDGRADES.GRADE"] in {
            *("A+ A A- B+ B B- C+ C C- D+ D D- F P I NG".split()),
        }
        if g["STOREDGRADES.PERCENT"]:
            assert 0 <= float(g["STOREDGRADES.PERCENT"]) <= 100
        assert 0 <= float(g["STOREDGRADES.GPA_POINTS"]) <= 4
        earned, potential = (
            float(g["STOREDGRADES.EARNEDCRHRS"]),
            float(g["STOREDGRADES.POTENTIALCRHRS"]),
        )
        assert 0 <= earned <= potential
        if code.startswith("Q"):
            assert potential == 0
    assert {int(g["STOREDGRADES.TERMID"]) // 100 for g in grades} >= {YEARID, YEARID - 1}
    graduated = {s["STUDENTS.ID"] for s in rec["students"] if s["STUDENTS.ENROLL_STATUS"] == "3"}
    this_year = {
        g["STOREDGRADES.STUDENTID"]
        for g in grades
        if int(g["STOREDGRADES.TERMID"]) // 100 == YEARID
    }
    assert graduated and not graduated & this_year
    assert graduated <= {g["STOREDGRADES.STUDENTID"] for g in grades}  # earlier years stay


def test_gpa_is_text_with_four_decimals(rec):
    students = {s["STUDENTS.ID"]: s for s in rec["students"]}
    gpa = rec["gpa"]
    assert {g["CLASSRANK.GPAMETHOD"] for g in gpa} == {"Weighted", "Simple", "State"}
    for g in gpa:
        assert re.fullmatch(r"\d\.\d{4}", g["CLASSRANK.GPA"]), g["CLASSRANK.GPA"]
        assert 0 <= float(g["CLASSRANK.GPA"]) <= 5
        assert 30 <= int(g["CLASSRANK.YEARID"]) <= YEARID
        assert 1 <= int(g["CLASSRANK.RANK"]) <= int(g["CLASSRANK.OUTOF"])
        assert int(students[g["CLASSRANK.STUDENTID"]]["STUDENTS.GRADE_LEVEL"]) >= 6


def test_course_requests_are_next_year(rec):
    students = {s["STUDENTS.ID"]: s for s in rec["students"]}
    courses = {c["COURSES.COURSE_NUMBER"] for c in rec["courses"]}
    requests = rec["course_requests"]
    assert {r["SCHEDULEREQUESTS.YEARID"] for r in requests} == {str(YEARID + 1)}
    per_student = Counter(r["SCHEDULEREQUESTS.STUDENTID"] for r in requests)
    assert set(per_student.values()) <= {6, 7}
    for r in requests:
        assert r["SCHEDULEREQUESTS.COURSENUMBER"] in courses
        student = students[r["SCHEDULEREQUESTS.STUDENTID"]]
        assert 5 <= int(student["STUDENTS.GRADE_LEVEL"]) <= 11
        assert student["STUDENTS.ENROLL_STATUS"] in ("0", "-1")


def test_staff(rec, district):
    staff = rec["staff"]
    schools = {s.school_id for s in district.schools}
    assert _unique(staff, "USERS.TEACHERNUMBER")
    assert {s["SCHOOLSTAFF.STAFFSTATUS"] for s in staff} == {"0", "1", "2", "3", "4"}
    assert {s["SCHOOLSTAFF.STATUS"] for s in staff} == {"1", "2"}
    for s in staff:
        assert s["USERS.HOMESCHOOLID"] in schools
        assert re.fullmatch(r"\d{5}", s["USERS.TEACHERNUMBER"])
        assert re.fullmatch(r"[a-z]+\d+@prairiecreekschools\.example\.org", s["USERS.EMAIL_ADDR"])
    assert any(s["USERS.TEACHERNUMBER"].startswith("0") for s in staff)


def test_a_district_without_schools_fails_clearly():
    with pytest.raises(ValueError, match="no schools"):
        api_records(_district(schools=()), NIGHT)
