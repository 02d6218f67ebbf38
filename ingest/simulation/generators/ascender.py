"""Synthetic Ascender (TxEIS) nights: the seven pipe-separated exports of one district.

Files are named `<CDN>_<DATASET>_<YYYYMMDD>.txt` (CDN = the registry's state_district_id)
and written by the generic writer exactly as `_ascender__sources.yml` declares them. The
population (names, students, course catalog, GPA, certifications) comes from the shared
helpers (`common`); this module only shapes it the way Ascender exports it.

Ascender realities reproduced here (staging must absorb them, so every row stays valid):
- `CampusID` mixes the 3-digit local campus (`001`) and the 9-digit state campus id
  (`057999001`) within every file: the first data row uses the 9-digit form, the second the
  3-digit form, the rest are drawn at random.
- `StudentID` is 6 digits with leading zeros; `Grade` is `EE PK KG 01`..`12`, where EE (early
  education) is pre-kindergarten; dates are MM/DD/YYYY; `Role` is keyed in mixed case.
- GRADES has one row per student, course section and semester: three cycle (six-weeks)
  grades, a semester exam (high school), the semester average and the posted FinalGrade
  (0-100, or P/F/I/NG). The semester in progress on the night has its finished cycles only.
- REQUESTS are for the next school year: primary requests (P) plus one or two ranked
  alternates (A, AltPriority 1, 2) per student moving into grades 06-12.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta

from ingest.registry import District, School
from ingest.simulation.generators.common import (
    CERTIFICATIONS,
    COURSES_PER_YEAR,
    FIRST_NAMES,
    LAST_NAMES,
    NUMERIC_PASSING,
    SECTIONS,
    Course,
    Row,
    SisNight,
    Student,
    _build_courses,
    _build_gpa,
    _build_ibc,
    _build_students,
    _clamp,
    _decimal,
    _mmddyyyy,
    _serves,
    school_year_of,
)

# dataset (source table) -> DATASET as it appears in the file name
FILE_DATASETS = {
    "students": "STUDENTS",
    "teachers": "TEACHERS",
    "courses": "COURSES",
    "requests": "REQUESTS",
    "grades": "GRADES",
    "gpa": "GPA",
    "ibc": "IBC",
}
MARTS = {
    "dim_student": "students",
    "dim_staff": "teachers",
    "dim_course": "courses",
    "fct_course_request": "requests",
    "fct_student_grade": "grades",
    "fct_student_gpa": "gpa",
    "fct_student_certification": "ibc",
}
STATE_CAMPUS_SHARE = 0.4  # rows written with the 9-digit state campus id
EARLY_EDUCATION_SHARE = 0.3  # pre-kindergarten students keyed EE rather than PK
# Ascender GPA type codes for the shared builder's types
GPA_TYPE_CODES = {"Weighted": "WTD", "Unweighted": "UNWTD", "Local": "LOCAL", "State": "STATE"}
# Staff roles per campus: (role as keyed, how many); teachers are added per enrollment.
CAMPUS_ROLES = (("Principal", 1), ("Counselor", 1), ("Librarian", 1), ("Aide", 2))
HIGH_SCHOOL_ROLES = (("Asst Principal", 1), ("Counselor", 1))
STUDENTS_PER_TEACHER = 15
ROLE_SPELLINGS = (str.title, str.upper)  # `Teacher` and `TEACHER` in the same file
CYCLE_DAYS = 42  # a six-weeks grading cycle
CYCLES_PER_SEMESTER = 3
# Pass/fail courses, incompletes and no-grades: (FinalGrade code, earns credit)
FINAL_CODES = (("P", True), ("F", False), ("I", False), ("NG", False))
EXAM_FEES = ("", "0.00", "35.00", "50.00", "117.00")
# Vendor numbers: the shared certification list names vendors; Ascender sends a number.
VENDOR_NUMBERS = {
    vendor: f"{n:05d}"
    for n, vendor in enumerate(sorted({vendor for _, _, vendor in CERTIFICATIONS}), start=1)
}


def build(
    district: District, rng: random.Random, night: date, count: int, datasets: frozenset[str]
) -> SisNight:
    """One night of a district's Ascender exports and the rows each mart must then hold."""
    if not district.state_district_id.isdigit() or len(district.state_district_id) != 6:
        raise ValueError(
            f"district {district.id}: Ascender files are named by the 6-digit county-district "
            f"number; districts.yml has state_district_id {district.state_district_id!r}"
        )
    school_year = school_year_of(night)
    students, skyward_rows = _build_students(district, rng, night, count)
    courses = _build_courses(district, rng, count)
    grades, earned = _grade_rows(district, rng, night, students, courses)
    rows: dict[str, list[Row]] = {
        "students": _student_rows(district, rng, night, students, skyward_rows),
        "teachers": _teacher_rows(district, rng, students),
        "courses": _course_rows(district, rng, courses, (school_year, school_year + 1)),
        "requests": _request_rows(district, rng, school_year, students, courses),
        "grades": grades,
        "gpa": _gpa_rows(district, rng, night, students, earned),
    }
    if "ibc" in datasets:
        rows["ibc"] = _ibc_rows(district, rng, night, students)
    stamp = night.strftime("%Y%m%d")
    return SisNight(
        files=[
            (dataset, f"{district.state_district_id}_{FILE_DATASETS[dataset]}_{stamp}.txt", r)
            for dataset, r in rows.items()
        ],
        expected_marts={mart: len(rows.get(dataset, [])) for mart, dataset in MARTS.items()},
    )


# --------------------------------------------------------------------------- shared shaping


def _campus_ids(district: District, rng: random.Random) -> Callable[[str], str]:
    """Per file: a function school_id -> CampusID, mixing both forms (9-digit first)."""
    state_ids = {s.school_id: s.state_school_id for s in district.schools}
    row = 0

    def campus(school_id: str) -> str:
        nonlocal row
        row += 1
        state = row == 1 or (row > 2 and rng.random() < STATE_CAMPUS_SHARE)
        return state_ids[school_id] if state else school_id

    return campus


def _grade_code(rng: random.Random, grade: int) -> str:
    if grade == -1:
        return "EE" if rng.random() < EARLY_EDUCATION_SHARE else "PK"
    return "KG" if grade == 0 else f"{grade:02d}"


def _school_for(schools: Sequence[School], grade: int, current: str) -> str | None:
    """The campus a student attends in a grade: the current one if it serves it."""
    serving = [s.school_id for s in schools if _serves(s, grade)]
    return current if current in serving else next(iter(serving), None)


# --------------------------------------------------------------------------- STUDENTS


def _student_rows(
    district: District,
    rng: random.Random,
    night: date,
    students: Sequence[Student],
    skyward_rows: Sequence[Mapping[str, str]],
) -> list[Row]:
    campus = _campus_ids(district, rng)
    first_day = min(date(school_year_of(night) - 1, 8, 14), night)
    rows = []
    for student, person in zip(students, skyward_rows, strict=True):
        entry = first_day
        if rng.random() < 0.1:  # enrolled after the first day
            entry += timedelta(days=rng.randrange(max(1, (night - first_day).days)))
        withdrawn = person["Status"] != "A"
        withdrawal = ""
        if withdrawn:
            days = rng.randrange(max(1, (night - entry).days))
            withdrawal = _mmddyyyy(entry + timedelta(days=days))
        roll = rng.random()
        rows.append(
            {
                "DistrictID": district.state_district_id,
                "CampusID": campus(student.school_id),
                "StudentID": student.other_id,
                "TXUniqueStudentID": student.state_id,
                "LastName": person["Last Name"],
                "FirstName": person["First Name"],
                "MiddleName": person["Middle Name"],
                "Generation": "Jr" if roll < 0.03 else "III" if roll < 0.04 else "",
                "DOB": person["Birth Date"],
                "Sex": person["Gender"],
                "Grade": _grade_code(rng, student.grade),
                "EnrollStatus": "W" if withdrawn else "A",
                "EntryDate": _mmddyyyy(entry),
                "WithdrawalDate": withdrawal,
                "GradYear": person["Grad Yr"],
            }
        )
    return rows


# --------------------------------------------------------------------------- TEACHERS


def _ascii(text: str) -> str:
    """An e-mail local part from a name: accents dropped, only letters and digits kept."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _teacher_rows(district: District, rng: random.Random, students: Sequence[Student]) -> list[Row]:
    campus = _campus_ids(district, rng)
    enrolled = {s.school_id: 0 for s in district.schools}
    for student in students:
        enrolled[student.school_id] += 1
    roles: list[tuple[str, str]] = []  # (school id, role)
    for school in district.schools:
        extra = HIGH_SCHOOL_ROLES if _serves(school, 12) else ()
        for role, n in (*CAMPUS_ROLES, *extra):
            roles += [(school.school_id, role)] * n
        teachers = max(3, enrolled[school.school_id] // STUDENTS_PER_TEACHER)
        roles += [(school.school_id, "Teacher")] * teachers
    employee_ids = sorted(rng.sample(range(1, 100_000), len(roles)))
    staff_ids = rng.sample(range(10**9, 10**10), len(roles))
    domain = district.id.replace("_", "-") + ".example.org"
    rows = []
    for (school_id, role), employee_id, staff_id in zip(
        roles, employee_ids, staff_ids, strict=True
    ):
        gender = rng.choice("FM")
        first, last = rng.choice(FIRST_NAMES[gender]), rng.choice(LAST_NAMES)
        rows.append(
            {
                "DistrictID": district.state_district_id,
                "EmployeeID": f"{employee_id:06d}",
                "TXUniqueStaffID": str(staff_id),
                "LastName": last,
                "FirstName": first,
                "Email": f"{_ascii(first)}.{_ascii(last)}{employee_id % 100:02d}@{domain}",
                "CampusID": campus(school_id),
                "Role": rng.choice(ROLE_SPELLINGS)(role),
            }
        )
    return rows


# --------------------------------------------------------------------------- COURSES


def _course_rows(
    district: District,
    rng: random.Random,
    courses: Sequence[Course],
    school_years: Sequence[int],
) -> list[Row]:
    """The course list of this year and next year (requests are for next year)."""
    campus = _campus_ids(district, rng)
    return [
        {
            "DistrictID": district.state_district_id,
            "CampusID": campus(course.school_id),
            "SchoolYear": str(year),
            "CourseNbr": course.key,
            "CourseTitle": course.description,
            "ServiceID": course.state_code,
            "Credits": _decimal(course.credit),
        }
        for year in school_years
        for course in courses
    ]


def _by_school(courses: Sequence[Course]) -> dict[str, list[Course]]:
    found: dict[str, list[Course]] = {}
    for course in courses:
        found.setdefault(course.school_id, []).append(course)
    return found


# --------------------------------------------------------------------------- REQUESTS


def _request_rows(
    district: District,
    rng: random.Random,
    school_year: int,
    students: Sequence[Student],
    courses: Sequence[Course],
) -> list[Row]:
    """Next year's requests of students moving into grades 06-12."""
    campus = _campus_ids(district, rng)
    offered = _by_school(courses)
    rows = []
    for student in students:
        school_id = _school_for(district.schools, student.grade + 1, student.school_id)
        if student.grade + 1 < 6 or student.grade + 1 > 12 or school_id not in offered:
            continue
        catalog = offered[school_id]
        alternates = rng.randint(1, 2)
        picks = rng.sample(catalog, min(len(catalog), COURSES_PER_YEAR + alternates))
        for n, course in enumerate(picks):
            rank = n - COURSES_PER_YEAR + 1  # 1, 2 for the alternates
            rows.append(
                {
                    "DistrictID": district.state_district_id,
                    "CampusID": campus(school_id),
                    "SchoolYear": str(school_year + 1),
                    "StudentID": student.other_id,
                    "CourseNbr": course.key,
                    "CourseTitle": course.description,
                    "ServiceID": course.state_code,
                    "RequestType": "A" if rank >= 1 else "P",
                    "AltPriority": str(rank) if rank >= 1 else "",
                    "Semester": "Y" if course.credit >= 1 else rng.choice("12"),
                }
            )
    return rows


# --------------------------------------------------------------------------- GRADES


def _semesters_on(night: date) -> tuple[int, int]:
    """(semesters started, cycles finished) of the current school year by the night."""
    start = date(school_year_of(night) - 1, 8, 14)
    cycles = int(_clamp((night - start).days // CYCLE_DAYS, 0, 2 * CYCLES_PER_SEMESTER))
    return (1 if cycles < CYCLES_PER_SEMESTER else 2), cycles


def _semester_marks(
    rng: random.Random, ability: float, cycles: int, exam: bool, attempted: float
) -> dict[str, str]:
    """Cycle1-3, ExamGrade, SemAvg, FinalGrade and CreditEarned of one semester; a semester
    with fewer than three finished cycles is in progress (no average, grade or credit yet)."""
    marks = {"Cycle1": "", "Cycle2": "", "Cycle3": "", "ExamGrade": "", "SemAvg": ""}
    roll = rng.random()
    if cycles == CYCLES_PER_SEMESTER and roll < 0.04:
        code, passes = FINAL_CODES[min(3, int(roll / 0.01))]
        earned = _decimal(attempted if passes else 0.0)
        return marks | {"FinalGrade": code, "CreditEarned": earned}
    scores = [round(_clamp(rng.gauss(ability, 6.0), 40.0, 100.0)) for _ in range(cycles)]
    for n, score in enumerate(scores, start=1):
        marks[f"Cycle{n}"] = str(score)
    if cycles < CYCLES_PER_SEMESTER:
        return marks | {"FinalGrade": "", "CreditEarned": ""}
    average = sum(scores) / len(scores)
    if exam:
        score = round(_clamp(rng.gauss(ability, 8.0), 30.0, 100.0))
        marks["ExamGrade"] = str(score)
        average = average * 0.85 + score * 0.15
    final = round(average)
    earned = attempted if final >= NUMERIC_PASSING else 0.0
    return marks | {
        "SemAvg": str(final),
        "FinalGrade": str(final),
        "CreditEarned": _decimal(earned),
    }


def _grade_rows(
    district: District,
    rng: random.Random,
    night: date,
    students: Sequence[Student],
    courses: Sequence[Course],
) -> tuple[list[Row], dict[tuple[str, int], float]]:
    """Grade rows, and credits earned per (StudentID, school year) for the GPA file."""
    school_year = school_year_of(night)
    current_semesters, current_cycles = _semesters_on(night)
    offered = _by_school(courses)
    campus = _campus_ids(district, rng)
    rows: list[Row] = []
    earned: dict[tuple[str, int], float] = {}
    for student in students:
        for year, grade, school_id in student.history(district.schools, school_year):
            taken = sorted(
                rng.sample(offered[school_id], min(COURSES_PER_YEAR, len(offered[school_id]))),
                key=lambda c: c.key,
            )
            total = 0.0
            for course in taken:
                section = rng.choice(SECTIONS)
                # a full-credit course runs both semesters; a half-credit course one of them
                semesters = (1, 2) if course.credit >= 1 else (rng.choice((1, 2)),)
                for semester in semesters:
                    if year == school_year and semester > current_semesters:
                        continue
                    cycles = CYCLES_PER_SEMESTER
                    if year == school_year:
                        done = current_cycles - CYCLES_PER_SEMESTER * (semester - 1)
                        cycles = int(_clamp(done, 0, CYCLES_PER_SEMESTER))
                    attempted = min(course.credit, 0.5)
                    marks = _semester_marks(rng, student.ability, cycles, grade >= 9, attempted)
                    total += float(marks["CreditEarned"] or 0)
                    rows.append(
                        {
                            "DistrictID": district.state_district_id,
                            "CampusID": campus(school_id),
                            "SchoolYear": str(year),
                            "StudentID": student.other_id,
                            "TXUniqueStudentID": student.state_id,
                            "GradeLevel": f"{grade:02d}",
                            "CourseNbr": course.key,
                            "CourseSection": section,
                            "CourseTitle": course.description,
                            "ServiceID": course.state_code,
                            "Semester": str(semester),
                            **marks,
                            "CreditAttempted": _decimal(attempted),
                            "DualCredit": "Y" if "Dual Credit" in course.description else "N",
                            "APIB": "Y" if course.description.startswith("AP ") else "N",
                        }
                    )
            earned[(student.other_id, year)] = total
    return rows, earned


# --------------------------------------------------------------------------- GPA and IBC


def _gpa_rows(
    district: District,
    rng: random.Random,
    night: date,
    students: Sequence[Student],
    earned: Mapping[tuple[str, int], float],
) -> list[Row]:
    """The shared GPA builder's rows (TX: weighted on 6, unweighted on 4, local on 100),
    in Ascender's columns and codes."""
    campus = _campus_ids(district, rng)
    return [
        {
            "DistrictID": district.state_district_id,
            "CampusID": campus(row["Entity ID"]),
            "StudentID": row["Other ID"],
            "SchoolYear": row["School Year"],
            "GPAType": GPA_TYPE_CODES[row["GPA Type"]],
            "GPA": row["GPA"],
            "GPAScale": row["GPA Scale"],
            "ClassRank": row["Class Rank"],
            "ClassSize": row["Class Size"],
            "CumCredits": row["Credits"],
        }
        for row in _build_gpa(district, rng, night, students, earned)
    ]


def _ibc_rows(
    district: District, rng: random.Random, night: date, students: Sequence[Student]
) -> list[Row]:
    """The shared IBC builder's rows (grades 10-12, José Peña always), as Ascender sends them."""
    campus = _campus_ids(district, rng)
    school_of = {s.other_id: s.school_id for s in students}
    return [
        {
            "DistrictID": district.state_district_id,
            "CampusID": campus(school_of[row["Other ID"]]),
            "StudentID": row["Other ID"],
            "TXUniqueStudentID": row["State ID"],
            "CertificationCode": row["Certification Code"],
            "CertificationDescription": row["Certification Description"],
            "DateEarned": row["Date Earned"],
            "Result": row["Result"],
            "ExamFee": rng.choice(EXAM_FEES),
            "VendorNbr": VENDOR_NUMBERS[row["Vendor"]],
        }
        for row in _build_ibc(rng, night, students)
    ]
