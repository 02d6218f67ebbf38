"""Synthetic eSchool / eSchoolPLUS nights: students, staff, courses, course requests, grades
and GPA, in the report columns of SIS_LAYOUTS.md.

The population (students, courses, marks) comes from the shared helpers
(`common`), re-shaped into eSchool's columns. eSchool realities written on purpose:
- CHAR columns are right-padded with spaces (STUDENT_ID, BUILDING, COURSE, STAFF_ID…).
- GRADE uses `PK`, `KG` and `KF` (full-day kindergarten, also grade KG), `01`..`12`.
- CURRENT_STATUS is A / I / G (some seniors have already graduated).
- Marks: MARK_TYPE is the term (`S1 S2 Q1-Q4 Y1 T1-T3 FIN`), posted in a MARKING_PERIOD;
  MARK_VALUE holds a letter or a number, RAW_MARK_VALUE the average behind it.
- GPA types `WTD` (6-point), `UNWTD` (4-point), `STATE` (4-point), cumulative through the
  run term; middle-school years carry UNWTD only.
- Course requests are for next school year: primaries (`R`) and alternates (`A`) that name
  the primary they stand in for (ALT_TO_REQUEST) and their order (ALTERNATE_SEQUENCE).
- In a quoted export (Download Manager) one course title holds a CRLF line break; an
  unquoted one (Cognos TSV) never holds a tab or a line break.
- A district may define its own mark types (`demo: mark_types: {S1: SEM1, ...}` in
  districts.yml): its marks file carries them, and they map only through its own
  district rows of xwalk_terms.
Every row is valid: the marts must hold exactly `expected_marts` (with a district's own mark
types, once its district crosswalk rows are in the seeds).
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from datetime import date

from ingest.declarations import district_declarations
from ingest.registry import District, School
from ingest.simulation.generators.common import (
    COURSES_PER_YEAR,
    FIRST_NAMES,
    LAST_NAMES,
    Course,
    Row,
    SisNight,
    Student,
    _build_courses,
    _build_grades,
    _build_students,
    _clamp,
    _course_schools,
    _decimal,
    _serves,
    grade_number,
    school_year_of,
)

SIS = "eschool"
# CHAR widths of eSchool's padded columns
STUDENT_ID_WIDTH = 10
STAFF_ID_WIDTH = 10
BUILDING_WIDTH = 5
COURSE_WIDTH = 8
# the generic term codes of the shared helpers as eSchool mark types, and the marking period
# (1-4) each is posted in
MARK_TYPES = {"F": "FIN"}
MARKING_PERIODS = {
    "Q1": "1",
    "Q2": "2",
    "S1": "2",
    "Q3": "3",
    "Q4": "4",
    "S2": "4",
    "Y1": "4",
    "T1": "1",
    "T2": "2",
    "T3": "3",
    "FIN": "3",
}
# GPA type codes and scales (the scales of seeds/xwalk_gpa_scales.csv)
WEIGHTED_SCALE = 6.0
HIGH_SCHOOL_GPA_TYPES = (("WTD", WEIGHTED_SCALE), ("UNWTD", 4.0), ("STATE", 4.0))
MIDDLE_SCHOOL_GPA_TYPES = (("UNWTD", 4.0),)
ALTERNATES_PER_STUDENT = 2
LINE_BREAK_NOTE = "\r\nIncludes a STAAR EOC review lab"


def _char(value: str, width: int) -> str:
    """A CHAR column as eSchool writes it: right-padded with spaces."""
    return value.ljust(width) if value else ""


def _grade_code(rng: random.Random, grade: int) -> str:
    if grade == -1:
        return "PK"
    if grade == 0:
        return "KF" if rng.random() < 0.5 else "KG"  # full-day and half-day kindergarten
    return f"{grade:02d}"


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in plain.lower() if ch.isalnum())


# --------------------------------------------------------------------------- staff


def _staff_rows(
    district: District, rng: random.Random, enrolment: dict[str, int]
) -> tuple[list[Row], dict[str, list[str]]]:
    """Teachers, counselors (one also teaches) and office staff per building; returns the
    rows and the counselors' staff ids per building (for the students' COUNSELOR)."""
    plan: list[tuple[School, str, str]] = []  # (school, IS_TEACHER, IS_COUNSELOR)
    for school in district.schools:
        teachers = max(3, enrolment.get(school.school_id, 0) // 15)
        plan += [(school, "Y", "N")] * teachers
        if grade_number(school.grade_high) >= 6:
            plan += [(school, "N", "Y"), (school, "Y", "Y")]
        plan.append((school, "N", "N"))
    ids = sorted(rng.sample(range(1000, 100_000), len(plan)))
    state_ids = rng.sample(range(10**10), len(plan))
    domain = district.id.replace("_", "") + ".example.org"
    rows: list[Row] = []
    counselors: dict[str, list[str]] = {}
    for (school, teacher, counselor), staff_id, state_id in zip(plan, ids, state_ids, strict=True):
        gender = rng.choice("FM")
        first, last = rng.choice(FIRST_NAMES[gender]), rng.choice(LAST_NAMES)
        if counselor == "Y":
            counselors.setdefault(school.school_id, []).append(str(staff_id))
        rows.append(
            {
                "STAFF_ID": _char(str(staff_id), STAFF_ID_WIDTH),
                "STAFF_STATE_ID": f"{state_id:010d}",
                "FIRST_NAME": first,
                "LAST_NAME": last,
                "EMAIL": f"{_ascii(first)}.{_ascii(last)}{staff_id % 100}@{domain}",
                "BUILDING": _char(school.school_id, BUILDING_WIDTH),
                "IS_TEACHER": teacher,
                "IS_COUNSELOR": counselor,
                # counselors stay active: students point at them
                "ACTIVE": "N" if counselor == "N" and rng.random() < 0.05 else "Y",
            }
        )
    return rows, counselors


# --------------------------------------------------------------------------- students


def _student_rows(
    district: District,
    rng: random.Random,
    students: Sequence[Student],
    skyward_rows: Sequence[Row],
    counselors: dict[str, list[str]],
) -> list[Row]:
    """The shared population in eSchool's student columns."""
    rows = []
    seniors = tuple(n for n, s in enumerate(students) if n > 0 and s.grade == 12)
    for n, (student, source) in enumerate(zip(students, skyward_rows, strict=True)):
        status = source["Status"]
        # mid-year graduates: the first senior (after José Peña), then about one in seven
        if n in seniors and (n == seniors[0] or rng.random() < 0.15):
            status = "G"
        counselor = ""
        if source["Counselor ID"] and student.school_id in counselors:
            counselor = rng.choice(counselors[student.school_id])
        rows.append(
            {
                "DISTRICT": district.state_district_id,
                "STUDENT_ID": _char(student.other_id, STUDENT_ID_WIDTH),
                "STATE_REPORT_ID": student.state_id,
                "FIRST_NAME": source["First Name"],
                "MIDDLE_NAME": source["Middle Name"],
                "LAST_NAME": source["Last Name"],
                "BIRTHDATE": source["Birth Date"],
                "GENDER": source["Gender"],
                "BUILDING": _char(student.school_id, BUILDING_WIDTH),
                "GRADE": _grade_code(rng, student.grade),
                "CURRENT_STATUS": status,
                "COUNSELOR": _char(counselor, STAFF_ID_WIDTH),
                "GRADUATION_YEAR": source["Grad Yr"],
            }
        )
    return rows


# --------------------------------------------------------------------------- courses


def _course_rows(courses: Sequence[Course], night: date, quoted: bool) -> list[Row]:
    """The catalog of this school year and next (requests are for next year). A quoted
    export carries one title with a line break, in next year's listing."""
    current = school_year_of(night)
    rows = []
    for year in (current, current + 1):
        for n, course in enumerate(courses):
            title = course.description
            if quoted and year > current and n == 0:
                title += LINE_BREAK_NOTE
            rows.append(
                {
                    "SCHOOL_YEAR": str(year),
                    "BUILDING": _char(course.school_id, BUILDING_WIDTH),
                    "COURSE": _char(course.key, COURSE_WIDTH),
                    "DESCRIPTION": title,
                    "CREDIT": _decimal(course.credit),
                    "STATE_CODE": course.state_code,
                }
            )
    return rows


# --------------------------------------------------------------------------- requests


def _request_rows(
    district: District,
    rng: random.Random,
    night: date,
    students: Sequence[Student],
    student_rows: Sequence[Row],
    courses: Sequence[Course],
) -> list[Row]:
    """Next year's requests of active students who will be in grades 06-12: six primaries,
    and up to two alternates, each naming the primary it stands in for."""
    next_year = school_year_of(night) + 1
    by_school: dict[str, list[Course]] = {}
    for course in courses:
        by_school.setdefault(course.school_id, []).append(course)
    rows: list[Row] = []
    for student, student_row in zip(students, student_rows, strict=True):
        grade = student.grade + 1
        if student_row["CURRENT_STATUS"] != "A" or not 6 <= grade <= 12:
            continue
        serving = [s.school_id for s in _course_schools(district.schools) if _serves(s, grade)]
        if not serving:
            continue
        school_id = student.school_id if student.school_id in serving else serving[0]
        offered = by_school[school_id]
        picks = rng.sample(offered, min(len(offered), COURSES_PER_YEAR + ALTERNATES_PER_STUDENT))
        primaries = sorted(picks[:COURSES_PER_YEAR], key=lambda c: c.key)
        alternates: dict[str, int] = {}  # primary course -> alternates so far
        requested = [(course, "R", "", "") for course in primaries]
        for spare in picks[COURSES_PER_YEAR:]:
            if rng.random() < 0.6:
                primary = rng.choice(primaries).key
                alternates[primary] = alternates.get(primary, 0) + 1
                requested.append((spare, "A", primary, str(alternates[primary])))
        for course, request_type, alt_to, sequence in requested:
            rows.append(
                {
                    "DISTRICT": district.state_district_id,
                    "SCHOOL_YEAR": str(next_year),
                    "BUILDING": _char(school_id, BUILDING_WIDTH),
                    "STUDENT_ID": _char(student.other_id, STUDENT_ID_WIDTH),
                    "COURSE": _char(course.key, COURSE_WIDTH),
                    "REQUEST_TYPE": request_type,
                    "ALT_TO_REQUEST": _char(alt_to, COURSE_WIDTH),
                    "ALTERNATE_SEQUENCE": sequence,
                }
            )
    return rows


# --------------------------------------------------------------------------- grades, GPA


def _grade_rows(skyward_rows: Sequence[Row]) -> list[Row]:
    """The shared marks in eSchool's columns: the term becomes MARK_TYPE."""
    rows = []
    for source in skyward_rows:
        mark_type = MARK_TYPES.get(source["Term"], source["Term"])
        rows.append(
            {
                "SCHOOL_YEAR": source["School Year"],
                "BUILDING": _char(source["Entity ID"], BUILDING_WIDTH),
                "STUDENT_ID": _char(source["Other ID"], STUDENT_ID_WIDTH),
                "COURSE": _char(source["Course Key"], COURSE_WIDTH),
                "COURSE_SECTION": source["Section"],
                "MARKING_PERIOD": MARKING_PERIODS[mark_type],
                "MARK_TYPE": mark_type,
                "MARK_VALUE": source["Grade Mark"],
                "RAW_MARK_VALUE": source["Percent"],
                "ATT_CREDIT": source["Credit Attempted"],
                "EARN_CREDIT": source["Credit Earned"],
                "STATE_CRS_EQUIV": source["State Course Code"],
            }
        )
    return rows


def _gpa_rows(
    district: District,
    rng: random.Random,
    night: date,
    students: Sequence[Student],
    grade_rows: Sequence[Row],
) -> list[Row]:
    """Cumulative GPA per student, school year and type, through the last term with marks."""
    school_year = school_year_of(night)
    credits: dict[tuple[str, str], tuple[float, float]] = {}
    run_term: dict[tuple[str, str], str] = {}
    for row in grade_rows:  # rows of a student and year run in term order
        key = (row["STUDENT_ID"].strip(), row["SCHOOL_YEAR"])
        attempted, earned = credits.get(key, (0.0, 0.0))
        credits[key] = (attempted + float(row["ATT_CREDIT"]), earned + float(row["EARN_CREDIT"]))
        run_term[key] = row["MARK_TYPE"]
    graded = [s for s in students if s.grade >= 6]
    rank: dict[str, tuple[int, int]] = {}
    cohorts: dict[int, list[Student]] = {}
    for student in graded:
        cohorts.setdefault(student.grade, []).append(student)
    for cohort in cohorts.values():
        for place, student in enumerate(sorted(cohort, key=lambda s: -s.ability), start=1):
            rank[student.other_id] = (place, len(cohort))
    rows: list[Row] = []
    for student in graded:
        boost = rng.random()  # share of weighted (honors/AP) courses
        attempted = earned = 0.0
        yearly: list[float] = []
        for year, grade, school_id in student.history(district.schools, school_year):
            key = (student.other_id, str(year))
            year_attempted, year_earned = credits.get(key, (0.0, 0.0))
            attempted, earned = attempted + year_attempted, earned + year_earned
            percent = _clamp(rng.gauss(student.ability, 1.5), 0.0, 100.0)
            yearly.append(_clamp((percent - 50.0) / 12.5, 0.0, 4.0))
            values = {"UNWTD": (yearly[-1], sum(yearly) / len(yearly))}
            values["STATE"] = values["UNWTD"]
            top = WEIGHTED_SCALE
            values["WTD"] = tuple(min(top, v + boost * (top - 4.0)) for v in values["UNWTD"])
            place, size = rank[student.other_id]
            types = HIGH_SCHOOL_GPA_TYPES if grade >= 9 else MIDDLE_SCHOOL_GPA_TYPES
            for gpa_type, _scale in types:
                current, cumulative = values[gpa_type]
                rows.append(
                    {
                        "STUDENT_ID": _char(student.other_id, STUDENT_ID_WIDTH),
                        "BUILDING": _char(school_id, BUILDING_WIDTH),
                        "SCHOOL_YEAR": str(year),
                        "RUN_TERM_YEAR": run_term.get(key, ""),
                        "GPA_TYPE": gpa_type,
                        "CUR_GPA": f"{current:.3f}",
                        "CUM_GPA": f"{cumulative:.3f}",
                        "CUM_ATT_CREDIT": _decimal(attempted),
                        "CUM_EARN_CREDIT": _decimal(earned),
                        "CUM_RANK": str(place),
                        "CLASS_SIZE": str(size),
                    }
                )
    return rows


# --------------------------------------------------------------------------- the night


def build(
    district: District, rng: random.Random, night: date, count: int, datasets: frozenset[str]
) -> SisNight:
    students, skyward_students = _build_students(district, rng, night, count)
    enrolment: dict[str, int] = {}
    for student in students:
        enrolment[student.school_id] = enrolment.get(student.school_id, 0) + 1
    staff, counselors = _staff_rows(district, rng, enrolment)
    student_rows = _student_rows(district, rng, students, skyward_students, counselors)
    courses = _build_courses(district, rng, count)
    quoted = bool(next(d for d in district_declarations(district) if d.dataset == "courses").quote)
    skyward_grades, _earned = _build_grades(district, rng, night, students, courses)
    grade_rows = _grade_rows(skyward_grades)
    # the district's own MARK_TYPE codes (districts.yml `demo: mark_types: {S1: SEM1}`): the
    # marks file carries them; the GPA run term stays the SIS-wide code
    own_codes = {str(k): str(v) for k, v in (district.demo.get("mark_types") or {}).items()}
    marks_file = [
        {**row, "MARK_TYPE": own_codes.get(row["MARK_TYPE"], row["MARK_TYPE"])}
        for row in grade_rows
    ]
    rows = {
        "students": student_rows,
        "staff": staff,
        "courses": _course_rows(courses, night, quoted),
        "course_requests": _request_rows(district, rng, night, students, student_rows, courses),
        "grades": marks_file,
        "gpa": _gpa_rows(district, rng, night, students, grade_rows),
    }
    marts = {
        "dim_student": "students",
        "dim_staff": "staff",
        "dim_course": "courses",
        "fct_course_request": "course_requests",
        "fct_student_grade": "grades",
        "fct_student_gpa": "gpa",
    }
    return SisNight(
        files=[(dataset, None, rows[dataset]) for dataset in rows if dataset in datasets],
        expected_marts={mart: len(rows[dataset]) for mart, dataset in marts.items()}
        | {"fct_student_certification": 0},
    )
