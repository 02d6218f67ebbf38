"""Synthetic Harmony term uploads: a folder per term, `<spring year>_<term>/`, six CSV files.

A night's files hold TWO term folders, as a district's server does (old folders stay): the
previous term and the current one. Staging reads the newest term only, so `expected_marts`
counts the current term's rows. The two snapshots differ the way real ones do: students
who left since the previous term are only in the old folder, students who arrived (or
moved up into a grade the district serves) only in the new one, and the new folder holds
the marks of the terms since.

Harmony conventions used here (the layout is the project's own, SIS_LAYOUTS.md):
- Every row starts with `Term` (`2027_S1`, same as its folder) and `SnapshotDate` (ISO
  YYYY-MM-DD); every other date is ISO too.
- Semesters: an upload per semester, S1 (fall) and S2 (spring); marks are per semester,
  0.5 of the course credit each.
- grades.csv is the transcript so far (every school year in the district), gpa.csv the
  cumulative GPA as of the upload, course_requests.csv the requests for the next school year.

Quirks staging must absorb (every row is otherwise valid): CampusID as the local id (`001`)
or the 9-digit TX campus id (`227999001`); grade levels padded or not (`09`, `9`); codes in
mixed case (`Teacher`, `teacher`) and spellings (`Alternate`, `Alt`); course titles with
commas (quoted); accented names (José Peña first, Zoë O’Brien second); CRLF; blank trailing
lines (added by the generic writer).
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ingest.registry import District, School
from ingest.simulation.generators.common import (
    COURSES_PER_YEAR,
    FIRST_NAMES,
    GPA_TYPES,
    LAST_NAMES,
    MIDDLE_SCHOOL_GPA_TYPES,
    SECTIONS,
    Course,
    Row,
    SisNight,
    Student,
    _build_courses,
    _build_students,
    _clamp,
    _decimal,
    _grade_code,
    _grade_result,
    _serves,
    grade_number,
    school_year_of,
)

SEMESTERS = ("S1", "S2")
CAMPUS_STATE_ID_SHARE = 0.15  # rows that carry the 9-digit TX campus id instead of `001`
LEFT_SHARE = 0.05  # of the students: only in the previous term (withdrew, moved away)
ARRIVED_SHARE = 0.05  # of the students: only in the current term (enrolled since)
ENROLLMENT_STATUSES = (("Active", 0.93), ("Inactive", 0.04), ("Withdrawn", 0.03))
REQUEST_STATUSES = (
    ("Requested", 0.55),
    ("Approved", 0.25),
    ("Scheduled", 0.12),
    ("Denied", 0.05),
    ("Withdrawn", 0.03),
)
PRIMARY_REQUESTS = COURSES_PER_YEAR
DATASETS = ("students", "teachers", "courses", "course_requests", "grades", "gpa")


@dataclass(frozen=True)
class Upload:
    """One term folder: the term, and the day its snapshot was taken."""

    school_year: int  # spring year
    term: str  # S1 or S2
    snapshot: date

    @property
    def folder(self) -> str:
        return f"{self.school_year}_{self.term}"

    @property
    def order(self) -> tuple[int, int]:
        return (self.school_year, SEMESTERS.index(self.term))

    def common(self) -> Row:
        return {"Term": self.folder, "SnapshotDate": self.snapshot.isoformat()}


def uploads_for(night: date) -> tuple[Upload, Upload]:
    """(previous, current) term uploads as of a night: fall nights are in S1, spring in S2."""
    school_year = school_year_of(night)
    if night.month >= 7:
        previous = Upload(school_year - 1, "S2", date(school_year - 1, 5, 29))
        return previous, Upload(school_year, "S1", night)
    return Upload(school_year, "S1", date(school_year - 1, 12, 18)), Upload(
        school_year, "S2", night
    )


@dataclass(frozen=True)
class Pupil:
    """A student of the pool and the terms they are enrolled in."""

    student: Student
    row: Row  # the shared builder's row (names, birth date, grade code, counselor…)
    in_previous: bool
    in_current: bool

    def grade_in(self, upload: Upload, current: Upload) -> int:
        return self.student.grade - (current.school_year - upload.school_year)


@dataclass(frozen=True)
class Mark:
    """One grade record, tagged with the term it belongs to (to cut it per snapshot)."""

    order: tuple[int, int]
    student_id: str
    credits_earned: float
    row: Row


# --------------------------------------------------------------------------- helpers


def _campus(rng: random.Random, schools: dict[str, School], school_id: str) -> str:
    """The local campus id, or now and then the 9-digit TX campus id (both are sent)."""
    if rng.random() < CAMPUS_STATE_ID_SHARE:
        return schools[school_id].state_school_id
    return school_id


def _school_for(district: District, grade: int, preferred: str) -> str | None:
    serving = [s.school_id for s in district.schools if _serves(s, grade)]
    if preferred in serving:
        return preferred
    return serving[0] if serving else None


def _weighted(rng: random.Random, choices: Sequence[tuple[str, float]]) -> str:
    roll, total = rng.random(), 0.0
    for value, share in choices:
        total += share
        if roll < total:
            return value
    return choices[-1][0]


def _iso(mmddyyyy: str) -> str:
    return datetime.strptime(mmddyyyy, "%m/%d/%Y").date().isoformat()


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _mixed_case(rng: random.Random, code: str) -> str:
    """Codes typed by hand: mostly as listed, sometimes upper- or lower-case."""
    roll = rng.random()
    return code.upper() if roll < 0.1 else code.lower() if roll < 0.2 else code


# --------------------------------------------------------------------------- population


def _pool(
    district: District,
    rng: random.Random,
    night: date,
    count: int,
    uploads: tuple[Upload, Upload],
) -> list[Pupil]:
    """`count` current students plus the ones who left after the previous term."""
    previous, current = uploads
    left = max(3, round(count * LEFT_SHARE))
    students, rows = _build_students(district, rng, night, count + left)
    pupils = []
    for n, (student, row) in enumerate(zip(students, rows, strict=True)):
        # in the previous term only if the district served the grade they were in then
        earlier = student.grade - (current.school_year - previous.school_year)
        served_then = any(_serves(s, earlier) for s in district.schools)
        arrived = n >= 3 and rng.random() < ARRIVED_SHARE
        pupils.append(
            Pupil(
                student,
                row,
                in_previous=served_then and not arrived,
                in_current=n < count,
            )
        )
    return pupils


def _student_rows(
    district: District, rng: random.Random, pupils: Sequence[Pupil], upload: Upload, current: Upload
) -> list[Row]:
    schools = {s.school_id: s for s in district.schools}
    rows = []
    for pupil in pupils:
        grade = pupil.grade_in(upload, current)
        school_id = _school_for(district, grade, pupil.student.school_id)
        row = pupil.row
        code = row["Grade"] if upload == current else _grade_code(rng, grade)
        status = "Active" if row["First Name"] == "José" else _weighted(rng, ENROLLMENT_STATUSES)
        rows.append(
            upload.common()
            | {
                "StudentID": pupil.student.other_id,
                "StateID": pupil.student.state_id,
                "FirstName": row["First Name"],
                "MiddleName": row["Middle Name"],
                "LastName": row["Last Name"],
                "BirthDate": _iso(row["Birth Date"]),
                "Gender": row["Gender"],
                "GradeLevel": code,
                "CampusID": _campus(rng, schools, school_id),
                "EnrollmentStatus": status,
                "GraduationYear": row["Grad Yr"],
                "CounselorID": row["Counselor ID"],
            }
        )
    return rows


def _staff(district: District, rng: random.Random, pupils: Sequence[Pupil]) -> list[Row]:
    """Counselors the students name, plus teachers, a principal and an aide per campus.
    Without the Term columns: the staff is the same in both snapshots."""
    counselors: dict[str, str] = {}
    for pupil in pupils:
        if pupil.row["Counselor ID"]:
            counselors.setdefault(pupil.row["Counselor ID"], pupil.row["Entity ID"])
    free = [n for n in range(1000, 10000) if str(n) not in counselors]
    staff: list[tuple[str, str, str]] = [(c, s, "Counselor") for c, s in sorted(counselors.items())]
    for school in district.schools:
        roles = ["Principal", "Aide"] + ["Teacher"] * 8
        staff += [(str(free.pop(rng.randrange(len(free)))), school.school_id, r) for r in roles]
    schools = {s.school_id: s for s in district.schools}
    state_ids = rng.sample(range(10**9, 10**10), len(staff))
    domain = district.id.replace("_", "") + ".example.org"
    rows = []
    for (staff_id, school_id, role), state_id in zip(staff, state_ids, strict=True):
        gender = rng.choice("FM")
        first, last = rng.choice(FIRST_NAMES[gender]), rng.choice(LAST_NAMES)
        rows.append(
            {
                "StaffID": staff_id,
                "StateStaffID": str(state_id),
                "FirstName": first,
                "LastName": last,
                "Email": f"{_ascii(first)[:1]}{_ascii(last)}{staff_id}@{domain}",
                "CampusID": _campus(rng, schools, school_id),
                "Role": _mixed_case(rng, role),
            }
        )
    return rows


def _course_rows(district: District, rng: random.Random, courses: Sequence[Course]) -> list[Row]:
    schools = {s.school_id: s for s in district.schools}
    return [
        {
            "CampusID": _campus(rng, schools, c.school_id),
            "CourseCode": c.key,
            "CourseTitle": c.description,
            "Credits": _decimal(c.credit),
            "ServiceID": c.state_code,
            "IsAP": "Y" if c.description.startswith("AP ") else "N",
            "IsDualCredit": "Y" if "Dual Credit" in c.description else "N",
            "IsCTE": "Y" if c.state_code.startswith("13") else "N",
            "IsHonors": "Y" if "Honors" in c.description else "N",
        }
        for c in courses
    ]


# --------------------------------------------------------------------------- marks


def _marks(
    district: District,
    rng: random.Random,
    pupils: Sequence[Pupil],
    courses: Sequence[Course],
    current: Upload,
) -> list[Mark]:
    """Every semester mark of every pupil, from the first grade (6+) the district serves up
    to the current term; each snapshot then keeps the marks up to its own term."""
    schools = {s.school_id: s for s in district.schools}
    by_school: dict[str, list[Course]] = {}
    for course in courses:
        by_school.setdefault(course.school_id, []).append(course)
    # middle schools send numbers only, high schools letters with the percent
    numeric = {s.school_id: grade_number(s.grade_high) < 9 for s in district.schools}
    marks = []
    for pupil in pupils:
        student = pupil.student
        for grade in range(6, student.grade + 1):
            school_id = _school_for(district, grade, student.school_id)
            if school_id is None or school_id not in by_school:
                continue
            year = current.school_year - (student.grade - grade)
            offered = by_school[school_id]
            taken = rng.sample(offered, min(COURSES_PER_YEAR, len(offered)))
            for course in sorted(taken, key=lambda c: c.key):
                section = rng.choice(SECTIONS)
                for term in SEMESTERS:
                    if (year, SEMESTERS.index(term)) > current.order:
                        continue
                    attempted = course.credit * 0.5
                    mark, percent, earned = _grade_result(
                        rng, student.ability, attempted, numeric[school_id]
                    )
                    letter = mark if not mark.isdigit() else ""
                    number = mark if mark.isdigit() else percent
                    marks.append(
                        Mark(
                            (year, SEMESTERS.index(term)),
                            student.other_id,
                            float(earned),
                            {
                                "StudentID": student.other_id,
                                "CampusID": _campus(rng, schools, school_id),
                                "SchoolYear": str(year),
                                "GradingPeriod": term,
                                "CourseCode": course.key,
                                "SectionCode": section,
                                "CourseTitle": course.description,
                                "ServiceID": course.state_code,
                                "GradeLevel": _grade_code(rng, grade),
                                "LetterGrade": letter,
                                "NumericGrade": number,
                                "CreditsAttempted": _decimal(attempted),
                                "CreditsEarned": earned,
                            },
                        )
                    )
    return marks


def _gpa_rows(
    district: District,
    rng: random.Random,
    pupils: Sequence[Pupil],
    marks: Sequence[Mark],
    upload: Upload,
    current: Upload,
) -> list[Row]:
    """Cumulative GPA as of the upload for its students in grades 06+, ranked per grade."""
    schools = {s.school_id: s for s in district.schools}
    earned: dict[str, float] = {}
    for mark in marks:
        if mark.order <= upload.order:
            earned[mark.student_id] = earned.get(mark.student_id, 0.0) + mark.credits_earned
    graded = [(p, p.grade_in(upload, current)) for p in pupils if p.grade_in(upload, current) >= 6]
    cohorts: dict[int, list[Pupil]] = {}
    for pupil, grade in graded:
        cohorts.setdefault(grade, []).append(pupil)
    rank: dict[str, tuple[int, int]] = {}
    for cohort in cohorts.values():
        for place, pupil in enumerate(sorted(cohort, key=lambda p: -p.student.ability), start=1):
            rank[pupil.student.other_id] = (place, len(cohort))
    rows = []
    for pupil, grade in graded:
        student = pupil.student
        school_id = _school_for(district, grade, student.school_id)
        percent = _clamp(rng.gauss(student.ability, 1.5), 0.0, 100.0)
        unweighted = _clamp((percent - 50.0) / 12.5, 0.0, 4.0)
        boost = rng.random()  # share of weighted (honors/AP) courses
        campus = _campus(rng, schools, school_id)
        place, size = rank[student.other_id]
        for gpa_type, scale in GPA_TYPES["TX"] if grade >= 9 else MIDDLE_SCHOOL_GPA_TYPES:
            if scale == 100:
                value = f"{percent:.2f}"
            elif gpa_type == "Weighted":
                value = f"{min(scale, unweighted + boost * (scale - 4)):.3f}"
            else:
                value = f"{unweighted:.3f}"
            rows.append(
                upload.common()
                | {
                    "StudentID": student.other_id,
                    "CampusID": campus,
                    "GPAType": gpa_type,
                    "GPA": value,
                    "GPAScale": str(scale),
                    "CreditsEarned": _decimal(earned.get(student.other_id, 0.0)),
                    "ClassRank": str(place),
                    "ClassSize": str(size),
                }
            )
    return rows


def _request_rows(
    district: District,
    rng: random.Random,
    pupils: Sequence[Pupil],
    courses: Sequence[Course],
    upload: Upload,
    current: Upload,
) -> list[Row]:
    """Requests for the next school year: six primary courses and one or two alternates
    from the catalog of the campus that serves the student's next grade."""
    schools = {s.school_id: s for s in district.schools}
    by_school: dict[str, list[Course]] = {}
    for course in courses:
        by_school.setdefault(course.school_id, []).append(course)
    rows = []
    for pupil in pupils:
        next_grade = pupil.grade_in(upload, current) + 1
        school_id = _school_for(district, next_grade, pupil.student.school_id)
        if next_grade < 6 or school_id is None or school_id not in by_school:
            continue
        offered = by_school[school_id]
        alternates = rng.randint(1, 2)
        picks = rng.sample(offered, min(len(offered), PRIMARY_REQUESTS + alternates))
        campus = _campus(rng, schools, school_id)
        for n, course in enumerate(picks):
            is_alternate = n >= PRIMARY_REQUESTS
            kind = rng.choice(("Alternate", "Alt")) if is_alternate else "Primary"
            rows.append(
                upload.common()
                | {
                    "StudentID": pupil.student.other_id,
                    "CampusID": campus,
                    "SchoolYear": str(upload.school_year + 1),
                    "CourseCode": course.key,
                    "RequestType": _mixed_case(rng, kind),
                    "RequestRank": str(n - PRIMARY_REQUESTS + 1 if is_alternate else n + 1),
                    "RequestStatus": _weighted(rng, REQUEST_STATUSES),
                }
            )
    return rows


# --------------------------------------------------------------------------- the night


def _snapshot(
    district: District,
    rng: random.Random,
    upload: Upload,
    current: Upload,
    pupils: Sequence[Pupil],
    staff: Sequence[Row],
    courses: Sequence[Row],
    catalog: Sequence[Course],
    marks: Sequence[Mark],
) -> dict[str, list[Row]]:
    enrolled = [p for p in pupils if (p.in_current if upload == current else p.in_previous)]
    ids = {p.student.other_id for p in enrolled}
    return {
        "students": _student_rows(district, rng, enrolled, upload, current),
        "teachers": [upload.common() | row for row in staff],
        "courses": [upload.common() | row for row in courses],
        "course_requests": _request_rows(district, rng, enrolled, catalog, upload, current),
        "grades": [
            upload.common() | m.row
            for m in marks
            if m.student_id in ids and m.order <= upload.order
        ],
        "gpa": _gpa_rows(district, rng, enrolled, marks, upload, current),
    }


def build(
    district: District, rng: random.Random, night: date, count: int, datasets: frozenset[str]
) -> SisNight:
    """The previous and the current term folder; the marts must hold the current one."""
    previous, current = uploads_for(night)
    pupils = _pool(district, rng, night, count, (previous, current))
    catalog = _build_courses(district, rng, count)
    staff = _staff(district, rng, pupils)
    courses = _course_rows(district, rng, catalog)
    marks = _marks(district, rng, pupils, catalog, current)
    snapshots = {
        upload: _snapshot(district, rng, upload, current, pupils, staff, courses, catalog, marks)
        for upload in (previous, current)
    }
    files = [
        (dataset, f"{upload.folder}/{dataset}.csv", rows[dataset])
        for upload, rows in snapshots.items()
        for dataset in DATASETS
        if dataset in datasets
    ]
    now = snapshots[current]
    return SisNight(
        files=files,
        expected_marts={
            "dim_student": len(now["students"]),
            "dim_staff": len(now["teachers"]),
            "dim_course": len(now["courses"]),
            "fct_course_request": len(now["course_requests"]),
            "fct_student_grade": len(now["grades"]),
            "fct_student_gpa": len(now["gpa"]),
            "fct_student_certification": 0,
        },
    )
