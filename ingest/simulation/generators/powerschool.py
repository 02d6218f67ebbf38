"""Synthetic PowerSchool nights: what the Pathways PowerQueries return, not files.

PowerSchool sends no files: the district's PowerSchool answers the plugin's PowerQueries
(SIS_LAYOUTS.md, "PowerSchool"). `api_records` gives, per query name
(`com.pathways.sis.<dataset>`), the records the emulator (ingest/simulation/powerschool_server.py)
serves, each keyed by the TABLE.FIELD of the query's declared columns (`load_queries()`), every
value a string shaped as PowerSchool sends it:

- the population (names incl. José Peña and Zoë O’Brien, STN, courses, marks, GPA) is the
  shared one (`common`); `STUDENTS.ID` is PowerSchool's internal id (what STUDENTID,
  SCHEDULEREQUESTS.STUDENTID and CLASSRANK.STUDENTID reference), distinct from
  `STUDENT_NUMBER` (the district's 6-digit number, leading zeros kept); `DCID` a third id;
- dates `YYYY-MM-DD`; `GRADE_LEVEL` -1 (PK), 0 (KG), 1..12;
- `ENROLL_STATUS` 0 active, 1 inactive and 2 transferred (alternately, for the population's
  inactive students), -1 pre-registered (a few PK/KG students), 3 graduated: a few seniors
  who graduated, whose `SCHOOLID` is 999999 and who have no marks this year;
- `YEARID` = school-year start − 1990 (2026-27 → 36); `TERMID` = YEARID × 100 + n: high
  schools run semester sections (Q1, Q2, S1 on n = 1; Q3, Q4, S2 on n = 2; credit on the
  semesters), middle schools year-long sections (Q1–Q4 and Y1 on n = 0; credit on Y1);
  `GRADE` letters (A+…F, P, I, NG), `PERCENT` 0–100 (empty for P/I/NG), `GPA_POINTS`;
- `COURSE_NUMBER` 4 digits with leading zeros, unique in the district's catalog;
  `ALT_COURSE_NUMBER` the state course code (IN DOE 4 digits, TX PEIMS 8 characters);
- `SCHEDULEREQUESTS` are next year's requests (6 or 7 distinct courses per student moving
  on to a grade with graded courses);
- `CLASSRANK.GPA` is text with four decimals (`3.8571`); GPA methods `Weighted`, `Simple`
  and the state's third (`State` in Indiana, `Local` in Texas);
- staff: users with their home school's SCHOOLSTAFF status (1 active, 2 inactive) and role
  (`STAFFSTATUS` 0 not assigned, 1 teacher, 2 staff, 3 lunch staff, 4 substitute).

Every record is valid, so the marts must hold exactly what is served (`expected_marts`,
`dim_school` included). Deterministic: the same district, night, count and seed give the
same records.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from ingest.powerschool.queries import PowerQuery, load_queries
from ingest.registry import District, School
from ingest.simulation.generators import DEFAULT_SEED, DEFAULT_STUDENTS
from ingest.simulation.generators.common import (
    COURSES_PER_YEAR,
    FIRST_NAMES,
    LAST_NAMES,
    Course,
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

SIS = "powerschool"
Record = dict[str, str]  # TABLE.FIELD -> value, as text
GRADUATED_SCHOOL = "999999"
# (store code, term number n of TERMID = YEARID * 100 + n, share of the credit attempted)
HIGH_SCHOOL_STORECODES = (
    ("Q1", 1, 0.0),
    ("Q2", 1, 0.0),
    ("S1", 1, 0.5),
    ("Q3", 2, 0.0),
    ("Q4", 2, 0.0),
    ("S2", 2, 0.5),
)
MIDDLE_SCHOOL_STORECODES = (
    ("Q1", 0, 0.0),
    ("Q2", 0, 0.0),
    ("Q3", 0, 0.0),
    ("Q4", 0, 0.0),
    ("Y1", 0, 1.0),
)
STORECODES = ("Q1", "Q2", "Q3", "Q4", "S1", "S2", "Y1")
GPA_POINTS = {
    "A+": "4.0",
    "A": "4.0",
    "A-": "3.7",
    "B+": "3.3",
    "B": "3.0",
    "B-": "2.7",
    "C+": "2.3",
    "C": "2.0",
    "C-": "1.7",
    "D+": "1.3",
    "D": "1.0",
    "D-": "0.7",
}  # F, P, I, NG: 0.0
GPA_METHODS = {"Unweighted": "Simple"}  # the shared GPA types, as PowerSchool districts name them
ENROLL_STATUSES = ("-1", "0", "1", "2", "3")
STAFF_ROLES = ("0", "1", "2", "3", "4")
TEACHERS_PER_BUILDING = 4
FIRST_SECTION_ID = 20_000


@dataclass
class ApiNight:
    """One night of a PowerSchool district: what each PowerQuery returns."""

    records: dict[str, list[Record]]  # query name -> records keyed by TABLE.FIELD
    expected_marts: dict[str, int]  # mart -> rows for this district (dim_school included)


def year_id(school_year: int) -> int:
    """PowerSchool's YEARID of a school year given by its spring year: 2027 (2026-27) -> 36."""
    return school_year - 1 - 1990


def _iso(mmddyyyy: str) -> str:
    return datetime.strptime(mmddyyyy, "%m/%d/%Y").date().isoformat()


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _with_leading_zero_stn(students: list[Student]) -> list[Student]:
    """An STN with a leading zero on every night (the quirk every reader must survive)."""
    if len(students) < 2 or any(s.state_id.startswith("0") for s in students):
        return students
    taken = {s.state_id for s in students}
    state_id = "0" + students[1].state_id[1:]
    while state_id in taken:
        state_id = f"{(int(state_id) + 1) % 10 ** (len(state_id) - 1):0{len(state_id)}d}"
    return [students[0], replace(students[1], state_id=state_id), *students[2:]]


def _statuses(rng: random.Random, students: Sequence[Student], base: Sequence[dict]) -> list[str]:
    """ENROLL_STATUS per student (see the module docstring); the first student is active."""
    statuses = []
    inactive = 0
    for row in base:
        if row["Status"] == "A":
            statuses.append("0")
        else:
            statuses.append("1" if inactive % 2 == 0 else "2")
            inactive += 1
    few = max(1, len(students) // 100)
    seniors = [n for n, s in enumerate(students) if n > 0 and s.grade == 12]
    for n in sorted(rng.sample(seniors, min(few, len(seniors)))):
        statuses[n] = "3"
    young = [n for n, s in enumerate(students) if n > 0 and s.grade <= 0 and statuses[n] == "0"]
    for n in sorted(rng.sample(young, min(few, len(young)))):
        statuses[n] = "-1"
    return statuses


def _student_records(
    students: Sequence[Student], base: Sequence[dict], statuses: Sequence[str], ids: Mapping
) -> list[Record]:
    records = []
    for student, row, status in zip(students, base, statuses, strict=True):
        records.append(
            {
                "STUDENTS.ID": ids[student.other_id],
                "STUDENTS.DCID": str(int(ids[student.other_id]) + 1_000_000),
                "STUDENTS.STUDENT_NUMBER": student.other_id,
                "STUDENTS.STATE_STUDENTNUMBER": student.state_id,
                "STUDENTS.FIRST_NAME": row["First Name"],
                "STUDENTS.MIDDLE_NAME": row["Middle Name"],
                "STUDENTS.LAST_NAME": row["Last Name"],
                "STUDENTS.DOB": _iso(row["Birth Date"]),
                "STUDENTS.GENDER": row["Gender"],
                "STUDENTS.GRADE_LEVEL": str(student.grade),
                "STUDENTS.SCHOOLID": GRADUATED_SCHOOL if status == "3" else student.school_id,
                "STUDENTS.ENROLL_STATUS": status,
            }
        )
    return records


def _staff_records(district: District, rng: random.Random) -> list[Record]:
    """Per building: teachers, one office staff member; across the district one user of each
    other role (not assigned, lunch staff, substitute) and two inactive users."""
    domain = f"{district.id.replace('_', '')}.example.org"
    course_schools = _course_schools(district.schools)
    people: list[tuple[str, str]] = []  # (home school, role)
    for school in district.schools:
        teachers = TEACHERS_PER_BUILDING if school in course_schools else 2
        people += [(school.school_id, "1")] * teachers + [(school.school_id, "2")]
    first_school = district.schools[0].school_id
    people += [(first_school, "0"), (first_school, "3"), (district.schools[-1].school_id, "4")]
    # 5-digit teacher numbers, many with leading zeros
    numbers = sorted(rng.sample(range(100, 100_000), len(people)))
    if numbers[0] >= 10_000:  # at least one leading zero on every night
        numbers[0] %= 10_000
    inactive = set(rng.sample(range(len(people)), min(2, len(people))))
    records = []
    for n, ((school_id, role), number) in enumerate(zip(people, numbers, strict=True)):
        gender = rng.choice("FM")
        first, last = rng.choice(FIRST_NAMES[gender]), rng.choice(LAST_NAMES)
        records.append(
            {
                "USERS.TEACHERNUMBER": f"{number:05d}",
                "USERS.FIRST_NAME": first,
                "USERS.LAST_NAME": last,
                "USERS.EMAIL_ADDR": f"{_ascii_word(first)[:1]}{_ascii_word(last)}{n}@{domain}",
                "USERS.HOMESCHOOLID": school_id,
                "SCHOOLSTAFF.STATUS": "2" if n in inactive else "1",
                "SCHOOLSTAFF.STAFFSTATUS": role,
            }
        )
    return records


def _course_records(courses: Sequence[Course]) -> list[Record]:
    return [
        {
            "COURSES.COURSE_NUMBER": c.key,
            "COURSES.COURSE_NAME": c.description,
            "COURSES.CREDIT_HOURS": _decimal(c.credit),
            "COURSES.ALT_COURSE_NUMBER": c.state_code,
        }
        for c in courses
    ]


def _by_school(courses: Sequence[Course]) -> dict[str, list[Course]]:
    by_school: dict[str, list[Course]] = {}
    for course in courses:
        by_school.setdefault(course.school_id, []).append(course)
    return by_school


def _grade_records(
    district: District,
    rng: random.Random,
    night: date,
    students: Sequence[Student],
    courses: Sequence[Course],
    ids: Mapping[str, str],
    graduated: set[str],
) -> tuple[list[Record], dict[tuple[str, int], float]]:
    """STOREDGRADES records, and credits earned per (student number, school year) for GPA."""
    school_year = school_year_of(night)
    by_school = _by_school(courses)
    plans = {
        s.school_id: HIGH_SCHOOL_STORECODES if _serves(s, 9) else MIDDLE_SCHOOL_STORECODES
        for s in _course_schools(district.schools)
    }
    sections: dict[tuple[int, str, str], str] = {}  # (year, course, section) -> SECTIONID
    records: list[Record] = []
    earned: dict[tuple[str, int], float] = {}
    for student in students:
        for year, grade, school_id in student.history(district.schools, school_year):
            codes = plans[school_id]
            if year == school_year:
                codes = codes[: _current_terms(codes, night)]
            offered = by_school[school_id]
            taken = sorted(
                rng.sample(offered, min(COURSES_PER_YEAR, len(offered))), key=lambda c: c.key
            )
            total = 0.0
            for course in taken:
                section = sections.setdefault(
                    (year, course.key, rng.choice("123")), str(FIRST_SECTION_ID + len(sections))
                )
                for storecode, n, share in codes:
                    attempted = course.credit * share
                    mark, percent, credit_earned = _grade_result(
                        rng, student.ability, attempted, numeric=False
                    )
                    total += float(credit_earned)
                    if student.other_id in graduated and year == school_year:
                        continue  # graduated last spring: nothing stored this year
                    records.append(
                        {
                            "STOREDGRADES.STUDENTID": ids[student.other_id],
                            "STOREDGRADES.SCHOOLID": school_id,
                            "STOREDGRADES.TERMID": str(year_id(year) * 100 + n),
                            "STOREDGRADES.STORECODE": storecode,
                            "STOREDGRADES.GRADE_LEVEL": str(grade),
                            "STOREDGRADES.COURSE_NUMBER": course.key,
                            "STOREDGRADES.SECTIONID": section,
                            "STOREDGRADES.GRADE": mark,
                            "STOREDGRADES.PERCENT": percent,
                            "STOREDGRADES.GPA_POINTS": GPA_POINTS.get(mark, "0.0"),
                            "STOREDGRADES.EARNEDCRHRS": credit_earned,
                            "STOREDGRADES.POTENTIALCRHRS": _decimal(attempted),
                        }
                    )
            earned[(student.other_id, year)] = total
    return records, earned


def _gpa_records(
    shared_rows: Sequence[dict], ids: Mapping[str, str], graduated: set[str], school_year: int
) -> list[Record]:
    return [
        {
            "CLASSRANK.STUDENTID": ids[r["Other ID"]],
            "CLASSRANK.YEARID": str(year_id(int(r["School Year"]))),
            "CLASSRANK.GPAMETHOD": GPA_METHODS.get(r["GPA Type"], r["GPA Type"]),
            "CLASSRANK.GPA": f"{float(r['GPA']):.4f}",
            "CLASSRANK.RANK": r["Class Rank"],
            "CLASSRANK.OUTOF": r["Class Size"],
        }
        for r in shared_rows
        if not (r["Other ID"] in graduated and int(r["School Year"]) == school_year)
    ]


def _next_school(schools: Sequence[School], student: Student, grade: int) -> str | None:
    serving = [s.school_id for s in _course_schools(schools) if _serves(s, grade)]
    if student.school_id in serving:
        return student.school_id
    return next(iter(serving), None)


def _request_records(
    district: District,
    rng: random.Random,
    night: date,
    students: Sequence[Student],
    courses: Sequence[Course],
    ids: Mapping[str, str],
    statuses: Sequence[str],
) -> list[Record]:
    """Next year's requests for every active student moving on to a grade with courses."""
    next_year = year_id(school_year_of(night) + 1)
    by_school = _by_school(courses)
    records: list[Record] = []
    for student, status in zip(students, statuses, strict=True):
        grade = student.grade + 1
        if status not in ("0", "-1") or not 6 <= grade <= 12:
            continue
        school_id = _next_school(district.schools, student, grade)
        if school_id is None:
            continue
        offered = by_school[school_id]
        picked = rng.sample(offered, min(COURSES_PER_YEAR + rng.randint(0, 1), len(offered)))
        for course in sorted(picked, key=lambda c: c.key):
            records.append(
                {
                    "SCHEDULEREQUESTS.STUDENTID": ids[student.other_id],
                    "SCHEDULEREQUESTS.COURSENUMBER": course.key,
                    "SCHEDULEREQUESTS.YEARID": str(next_year),
                    "SCHEDULEREQUESTS.SCHOOLID": school_id,
                }
            )
    return records


# mart -> the dataset whose records it holds one for one
MARTS: Mapping[str, str] = {
    "dim_student": "students",
    "dim_staff": "staff",
    "dim_course": "courses",
    "fct_course_request": "course_requests",
    "fct_student_grade": "grades",
    "fct_student_gpa": "gpa",
}


def _check(queries: Mapping[str, PowerQuery], by_dataset: Mapping[str, list[Record]]) -> None:
    """Every record carries exactly its query's declared fields (the declaration rules)."""
    for dataset, query in queries.items():
        fields = {c.field for c in query.columns}
        for number, record in enumerate(by_dataset.get(dataset, ()), start=1):
            if set(record) != fields:
                raise ValueError(
                    f"{query.name} record {number}: fields {sorted(set(record) ^ fields)} "
                    "differ from the declaration; fix the record builder or the sources YAML"
                )
    missing = set(queries) - set(by_dataset)
    if missing:
        raise ValueError(f"powerschool generator builds no records for {sorted(missing)}")


def _night(district: District, rng: random.Random, night: date, count: int) -> ApiNight:
    if not district.schools:
        raise ValueError(f"district {district.id}: districts.yml lists no schools")
    school_year = school_year_of(night)
    students, base = _build_students(district, rng, night, count)
    students = _with_leading_zero_stn(students)
    # STUDENTS.ID: PowerSchool's internal sequence, never the student number
    ids = {s.other_id: str(int(s.name_id) - 9_000) for s in students}
    statuses = _statuses(rng, students, base)
    graduated = {s.other_id for s, st in zip(students, statuses, strict=True) if st == "3"}
    courses = _build_courses(district, rng, count)
    grades, earned = _grade_records(district, rng, night, students, courses, ids, graduated)
    gpa = _build_gpa(district, rng, night, students, earned)
    by_dataset = {
        "students": _student_records(students, base, statuses, ids),
        "staff": _staff_records(district, rng),
        "courses": _course_records(courses),
        "course_requests": _request_records(district, rng, night, students, courses, ids, statuses),
        "grades": grades,
        "gpa": _gpa_records(gpa, ids, graduated, school_year),
    }
    queries = load_queries()
    _check(queries, by_dataset)
    expected = {mart: len(by_dataset[dataset]) for mart, dataset in MARTS.items()}
    return ApiNight(
        records={q.name: by_dataset[dataset] for dataset, q in queries.items()},
        expected_marts={
            **expected,
            "fct_student_certification": 0,
            "dim_school": len(district.schools),
        },
    )


def api_records(
    district: District, night: date, *, students: int | None = None, seed: int | None = None
) -> ApiNight:
    """One night of the district's PowerSchool: records per query name, and the expected marts.

    `students` and `seed` default to the district's `demo` settings (then 200 and 1)."""
    count = int(
        students if students is not None else district.demo.get("students", DEFAULT_STUDENTS)
    )
    seed = int(seed if seed is not None else district.demo.get("seed", DEFAULT_SEED))
    return _night(district, random.Random(seed), night, count)


def build(
    district: District, rng: random.Random, night: date, count: int, datasets: frozenset[str]
) -> SisNight:
    """The generators' common contract: PowerSchool writes no files, only the expected marts.
    The records themselves come from `api_records` (served by the emulator)."""
    built = _night(district, rng, night, count)
    expected = {k: v for k, v in built.expected_marts.items() if k != "dim_school"}
    return SisNight(files=[], expected_marts=expected)
