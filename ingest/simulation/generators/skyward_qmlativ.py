"""Synthetic Skyward Qmlativ nights (Indiana districts): six exports per night.

The population (students with their STN, names incl. José Peña and Zoë O'Brien, courses,
marks, GPA) comes from the shared helpers (`common`); this module only shapes it
the way Qmlativ exports it (SIS_LAYOUTS.md, "Skyward Qmlativ"):

- `StudentNumber` is the district's 6-digit number, `StudentTestNumber` the 9-digit STN and
  `StateCourseCode` the 4-digit IN DOE code; all keep their leading zeros (at least one STN
  starts with 0 on every night).
- Booleans are written `True` / `False` (IsActive, IsTeacher, IsCounselor, IsHonors,
  IsAlternate).
- `Grade` is a code and `GradeNumeric` its number; kindergarten is spelled `KG`, `K` or
  `00` in turn (the same district keys it differently per building), the rest `01`..`12`.
- `SchoolYear` is the spring year (`2027`) in students, courses and course requests, and the
  year's description (`2026-2027`) in grades and GPA.
- Grading periods: high schools `Q1 Q2 S1 Q3 Q4 S2` (credit on the semesters, letter marks),
  middle schools `Q1..Q4 F1` (credit on the final, 0-100 marks).
- Courses are exported for this school year and next; course requests are for next year,
  for every student moving on to a grade with graded courses (6..12): six primary requests
  and one or two ranked alternates each.
- GPA methods `Weighted` (5-point), `Unweighted` and `State` (4-point): the scale is not in
  the file (seeds/xwalk_gpa_scales.csv holds it).
Every row is valid, so the marts must hold exactly what is written (`expected_marts`).
"""

from __future__ import annotations

import dataclasses
import random
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date

from ingest.registry import District, School
from ingest.simulation.generators.common import (
    COURSES_PER_YEAR,
    FIRST_NAMES,
    LAST_NAMES,
    SECTIONS,
    Course,
    Row,
    SisNight,
    Student,
    _build_courses,
    _build_gpa,
    _build_students,
    _course_schools,
    _current_terms,
    _decimal,
    _grade_result,
    _serves,
    school_year_of,
)

SIS = "skyward_qmlativ"
# Qmlativ spellings of kindergarten, used in turn so every night shows all three.
KINDERGARTEN_CODES = ("KG", "K", "KG", "00")
# (grading period, share of the course credit attempted in it)
HIGH_SCHOOL_PERIODS = (("Q1", 0.0), ("Q2", 0.0), ("S1", 0.5), ("Q3", 0.0), ("Q4", 0.0), ("S2", 0.5))
MIDDLE_SCHOOL_PERIODS = (("Q1", 0.0), ("Q2", 0.0), ("Q3", 0.0), ("Q4", 0.0), ("F1", 1.0))
GRADING_PERIODS = ("Q1", "Q2", "Q3", "Q4", "S1", "S2", "F1")
GPA_METHODS = ("Weighted", "Unweighted", "State")
REQUEST_STATUSES = ("Pending", "Approved", "Scheduled", "Denied", "Dropped")
PRIMARY_STATUS_WEIGHTS = (30, 40, 24, 3, 3)
ALTERNATE_STATUS_WEIGHTS = (70, 20, 4, 3, 3)
TEACHERS_PER_BUILDING = 4


def _flag(value: bool) -> str:
    return "True" if value else "False"


def _school_year_span(year: int) -> str:
    """Qmlativ's description of a school year: 2027 -> `2026-2027`."""
    return f"{year - 1}-{year}"


def _with_leading_zero_stn(students: list[Student]) -> list[Student]:
    """Make sure an STN with a leading zero is on every night (the quirk to survive)."""
    if any(s.state_id.startswith("0") for s in students) or len(students) < 2:
        return students
    taken = {s.state_id for s in students}
    state_id = "0" + students[1].state_id[1:]
    while state_id in taken:
        state_id = f"{(int(state_id) + 1) % 10**8:09d}"
    return [students[0], dataclasses.replace(students[1], state_id=state_id), *students[2:]]


def _student_rows(
    students: Sequence[Student], sms_rows: Sequence[Row], school_year: int
) -> list[Row]:
    rows = []
    kindergarten = 0
    for student, base in zip(students, sms_rows, strict=True):
        if student.grade == 0:
            grade = KINDERGARTEN_CODES[kindergarten % len(KINDERGARTEN_CODES)]
            kindergarten += 1
        else:
            grade = "PK" if student.grade == -1 else f"{student.grade:02d}"
        rows.append(
            {
                "StudentNumber": student.other_id,
                "StudentTestNumber": student.state_id,
                "FirstName": base["First Name"],
                "MiddleName": base["Middle Name"],
                "LastName": base["Last Name"],
                "BirthDate": base["Birth Date"],
                "Gender": base["Gender"],
                "Grade": grade,
                "GradeNumeric": str(student.grade),
                "EntityCode": student.school_id,
                "SchoolYear": str(school_year),
                "IsActive": _flag(base["Status"] == "A"),
                "CounselorStaffNumber": base["Counselor ID"],
            }
        )
    return rows


def _email(first: str, last: str, domain: str) -> str:
    def ascii_word(text: str) -> str:
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return "".join(ch for ch in folded.lower() if ch.isalnum())

    return f"{ascii_word(first)[:1]}{ascii_word(last)}@{domain}"


def _build_staff(district: District, rng: random.Random, student_rows: Sequence[Row]) -> list[Row]:
    """The students' counselors (teaching counselors in buildings without high-school
    grades), a few teachers and one non-teaching staff member per building."""
    domain = f"{district.id.replace('_', '')}.example.org"
    counselors: dict[str, str] = {}  # staff number -> building, first building wins
    for row in student_rows:
        if row["CounselorStaffNumber"]:
            counselors.setdefault(row["CounselorStaffNumber"], row["EntityCode"])
    high_schools = {s.school_id for s in district.schools if _serves(s, 9)}
    course_schools = _course_schools(district.schools)
    needed = (TEACHERS_PER_BUILDING + 1) * len(district.schools)
    numbers = iter(sorted(rng.sample(range(10_000, 100_000), needed)))  # 5 digits: no counselor's
    people: list[tuple[str, str, bool, bool]] = [
        (number, school_id, school_id not in high_schools, True)
        for number, school_id in sorted(counselors.items(), key=lambda item: (item[1], item[0]))
    ]
    for school in district.schools:
        teachers = TEACHERS_PER_BUILDING if school in course_schools else 2
        people += [(str(next(numbers)), school.school_id, True, False) for _ in range(teachers)]
        people.append((str(next(numbers)), school.school_id, False, False))
    rows = []
    for number, school_id, is_teacher, is_counselor in people:
        gender = rng.choice("FM")
        first, last = rng.choice(FIRST_NAMES[gender]), rng.choice(LAST_NAMES)
        rows.append(
            {
                "StaffNumber": number,
                "FirstName": first,
                "LastName": last,
                "Email": _email(first, last, domain),
                "EntityCode": school_id,
                "IsTeacher": _flag(is_teacher),
                "IsCounselor": _flag(is_counselor),
            }
        )
    return rows


def _is_honors(course: Course) -> bool:
    return "Honors" in course.description or course.description.startswith("AP ")


def _course_rows(courses: Sequence[Course], school_year: int) -> list[Row]:
    return [
        {
            "EntityCode": c.school_id,
            "SchoolYear": str(year),
            "CourseCode": c.key,
            "Description": c.description,
            "EarnedCredits": _decimal(c.credit),
            "StateCourseCode": c.state_code,
            "IsHonors": _flag(_is_honors(c)),
        }
        for year in (school_year, school_year + 1)
        for c in courses
    ]


def _by_school(courses: Sequence[Course]) -> dict[str, list[Course]]:
    by_school: dict[str, list[Course]] = {}
    for course in courses:
        by_school.setdefault(course.school_id, []).append(course)
    return by_school


def _build_grades(
    district: District,
    rng: random.Random,
    night: date,
    students: Sequence[Student],
    courses: Sequence[Course],
) -> tuple[list[Row], dict[tuple[str, int], float]]:
    """Grade rows, and credits earned per (StudentNumber, school year) for the GPA file."""
    school_year = school_year_of(night)
    by_school = _by_school(courses)
    plans = {
        s.school_id: (HIGH_SCHOOL_PERIODS, False)
        if _serves(s, 9)
        else (MIDDLE_SCHOOL_PERIODS, True)
        for s in _course_schools(district.schools)
    }
    rows: list[Row] = []
    earned: dict[tuple[str, int], float] = {}
    for student in students:
        for year, _grade, school_id in student.history(district.schools, school_year):
            periods, numeric = plans[school_id]
            if year == school_year:
                periods = periods[: _current_terms(periods, night)]
            offered = by_school[school_id]
            taken = sorted(
                rng.sample(offered, min(COURSES_PER_YEAR, len(offered))), key=lambda c: c.key
            )
            total = 0.0
            for course in taken:
                section = rng.choice(SECTIONS)
                for period, share in periods:
                    attempted = course.credit * share
                    mark, percent, credit_earned = _grade_result(
                        rng, student.ability, attempted, numeric
                    )
                    total += float(credit_earned)
                    rows.append(
                        {
                            "StudentNumber": student.other_id,
                            "EntityCode": school_id,
                            "SchoolYear": _school_year_span(year),
                            "CourseCode": course.key,
                            "SectionCode": section,
                            "GradingPeriod": period,
                            "GradeMark": mark,
                            "Percent": percent,
                            "AttemptedCredits": _decimal(attempted),
                            "EarnedCredits": credit_earned,
                        }
                    )
            earned[(student.other_id, year)] = total
    return rows, earned


def _gpa_rows(sms_gpa_rows: Sequence[Row]) -> list[Row]:
    """The shared GPA builder's rows as Qmlativ writes them (no scale column)."""
    return [
        {
            "StudentNumber": r["Other ID"],
            "SchoolYear": _school_year_span(int(r["School Year"])),
            "GPAMethod": r["GPA Type"],
            "GPA": r["GPA"],
            "GPACredits": r["Credits"],
            "Rank": r["Class Rank"],
            "OutOf": r["Class Size"],
        }
        for r in sms_gpa_rows
    ]


def _next_school(schools: Sequence[School], student: Student, grade: int) -> str | None:
    """The building a student attends next year: the current one if it serves the grade."""
    serving = [s.school_id for s in _course_schools(schools) if _serves(s, grade)]
    if student.school_id in serving:
        return student.school_id
    return next(iter(serving), None)


def _build_requests(
    district: District,
    rng: random.Random,
    night: date,
    students: Sequence[Student],
    courses: Sequence[Course],
) -> list[Row]:
    next_year = school_year_of(night) + 1
    by_school = _by_school(courses)
    rows: list[Row] = []
    for student in students:
        grade = student.grade + 1
        school_id = _next_school(district.schools, student, grade) if 6 <= grade <= 12 else None
        if school_id is None:
            continue
        offered = by_school[school_id]
        picked = rng.sample(offered, min(COURSES_PER_YEAR + 2, len(offered)))
        primaries = sorted(picked[:COURSES_PER_YEAR], key=lambda c: c.key)
        alternates = picked[COURSES_PER_YEAR : COURSES_PER_YEAR + rng.randint(1, 2)]
        requests = [(c, None) for c in primaries] + [
            (c, rank) for rank, c in enumerate(alternates, start=1)
        ]
        for course, rank in requests:
            weights = PRIMARY_STATUS_WEIGHTS if rank is None else ALTERNATE_STATUS_WEIGHTS
            rows.append(
                {
                    "StudentNumber": student.other_id,
                    "EntityCode": school_id,
                    "SchoolYear": str(next_year),
                    "CourseCode": course.key,
                    "IsAlternate": _flag(rank is not None),
                    "AlternateRank": "" if rank is None else str(rank),
                    "RequestStatus": rng.choices(REQUEST_STATUSES, weights)[0],
                    "EarnedCreditsRequested": _decimal(course.credit),
                }
            )
    return rows


def rows(district: District, rng: random.Random, night: date, count: int) -> dict[str, list[Row]]:
    """Every dataset's rows for one night, keyed by the declared Qmlativ column names."""
    if district.state != "IN":
        raise ValueError(f"district {district.id}: Skyward Qmlativ demo districts are Indiana")
    school_year = school_year_of(night)
    students, sms_student_rows = _build_students(district, rng, night, count)
    students = _with_leading_zero_stn(students)
    courses = _build_courses(district, rng, count)
    student_rows = _student_rows(students, sms_student_rows, school_year)
    staff_rows = _build_staff(district, rng, student_rows)
    grade_rows, earned = _build_grades(district, rng, night, students, courses)
    gpa_rows = _gpa_rows(_build_gpa(district, rng, night, students, earned))
    return {
        "students": student_rows,
        "staff": staff_rows,
        "courses": _course_rows(courses, school_year),
        "course_requests": _build_requests(district, rng, night, students, courses),
        "grades": grade_rows,
        "gpa": gpa_rows,
    }


# mart -> the dataset whose rows it holds one for one
MARTS: Mapping[str, str] = {
    "dim_student": "students",
    "dim_staff": "staff",
    "dim_course": "courses",
    "fct_course_request": "course_requests",
    "fct_student_grade": "grades",
    "fct_student_gpa": "gpa",
}


def build(
    district: District, rng: random.Random, night: date, count: int, datasets: frozenset[str]
) -> SisNight:
    built = {ds: r for ds, r in rows(district, rng, night, count).items() if ds in datasets}
    expected = {mart: len(built.get(dataset, [])) for mart, dataset in MARTS.items()}
    return SisNight(
        files=[(dataset, None, dataset_rows) for dataset, dataset_rows in built.items()],
        expected_marts={**expected, "fct_student_certification": 0},
    )
