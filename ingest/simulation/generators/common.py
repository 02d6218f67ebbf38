"""Shared helpers of the synthetic SIS generators: the generic file writer and the population.

Every file is written exactly as its SIS's sources YAML declares it (`meta.file`): column
order, header or not and delimiter come from `ingest.declarations`, never from this module
(`write_declared_file`).

The population (students, the course catalog, grades, GPA, certifications) is built here
once, with Skyward SMS 2.0's column names (the first SIS); each SIS module in this package
(`<sis>.py`, with a `build` returning a `SisNight`) shapes it the way that SIS exports it.
The data is invented, but every row is *valid* (IDs, codes, dates, credits, GPA scales, keys
and references all pass the row-level and model-level rules), so the marts must hold
exactly what was written.

Determinism: one `random.Random(seed)` per district, consumed in a fixed order, no global
random and no set iteration: the same district, seed, student count and night give
byte-identical files.

Realities every reader must survive, built into the population: accented names (the first
student is always José Peña), a typographic apostrophe (O’Brien: byte 0x92 in
Windows-1252), grade codes mixing `PK`, `KG` or `K`, `01`..`12` and unpadded `1`..`9`.
Students in grades 06-12 have grades and GPA from the year they entered their current level
(9th grade for high school, 6th for middle school) up to the current year.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

from ingest.declarations import FileDeclaration, declarations_for
from ingest.registry import District, School

Row = dict[str, str]

CRLF = "\r\n"
DEFAULT_ENCODING = "utf-8"


@dataclass
class SisNight:
    """What a SIS builder returns: the files of one night and what the marts must then hold."""

    # (dataset, file name relative to the district folder or None for the declared pattern
    # with `*` = the night as YYYYMMDD, rows keyed by the declared column names)
    files: list[tuple[str, str | None, list[Row]]]
    expected_marts: dict[str, int]  # mart -> rows for this district (dim_school is added)


# --------------------------------------------------------------------------- generic writer


def _open_csv(path: Path, decl: FileDeclaration, encoding: str) -> tuple[TextIO, Any]:
    # newline="" so the csv module's CRLF reaches the file untranslated; errors stay strict
    # so a character the encoding cannot hold fails loudly instead of becoming "?".
    f = path.open("w", encoding=encoding, newline="")
    return f, _csv_writer(f, decl)


def _csv_writer(f: TextIO, decl: FileDeclaration) -> Any:
    if not decl.quote:  # unquoted files: a value holding the delimiter must fail, not escape
        return csv.writer(
            f,
            delimiter=decl.delimiter,
            quoting=csv.QUOTE_NONE,
            escapechar=None,
            lineterminator=CRLF,
        )
    return csv.writer(
        f,
        delimiter=decl.delimiter,
        quotechar=decl.quote,
        quoting=csv.QUOTE_MINIMAL,
        lineterminator=CRLF,
    )


def write_declared_file(
    path: Path,
    decl: FileDeclaration,
    rows: Sequence[Mapping[str, str]],
    *,
    encoding: str = DEFAULT_ENCODING,
    blank_lines: int = 0,
) -> int:
    """Write rows (dicts keyed by the declared column names) as the declaration says.

    Returns the number of data rows written (header and blank trailing lines excluded)."""
    expected = set(decl.columns)
    for number, row in enumerate(rows, start=1):
        if set(row) != expected:
            raise ValueError(
                f"{decl.sis}.{decl.dataset} row {number}: columns {sorted(set(row) ^ expected)} "
                "differ from the declaration; fix the row builder or the sources YAML"
            )
    # a record terminator (eSchool's `#!#`) is one more field, on the header too
    end = [decl.record_terminator] if decl.record_terminator else []
    path.parent.mkdir(parents=True, exist_ok=True)
    f, writer = _open_csv(path, decl, encoding)
    with f:
        if decl.header:
            writer.writerow([*decl.columns, *end])
        writer.writerows([*(row[c] for c in decl.columns), *end] for row in rows)
        f.write(CRLF * blank_lines)
    return len(rows)


def file_name(decl: FileDeclaration, night: date) -> str:
    """The pattern with the night's date for its `*`; a pattern without wildcards (a
    district's own fixed name, `Students.csv`) as it is."""
    if not any(c in decl.pattern for c in "*?["):
        return decl.pattern
    if decl.pattern.count("*") != 1:
        raise ValueError(f"{decl.sis}.{decl.dataset}: pattern {decl.pattern!r} needs one '*'")
    return decl.pattern.replace("*", night.strftime("%Y%m%d"))


def _declaration(sis: str, dataset: str) -> FileDeclaration:
    for decl in declarations_for(sis):
        if decl.dataset == dataset:
            return decl
    raise ValueError(f"{sis} declares no {dataset!r} file")


# --------------------------------------------------------------------------- shared helpers

GRADE_NUMBERS = {"PK": -1, "KG": 0, "K": 0}


def grade_number(code: str) -> int:
    """PK -> -1, KG/K -> 0, '09'/'9' -> 9."""
    return GRADE_NUMBERS[code] if code in GRADE_NUMBERS else int(code)


def _serves(school: School, grade: int) -> bool:
    return grade_number(school.grade_low) <= grade <= grade_number(school.grade_high)


def school_year_of(night: date) -> int:
    """Spring year of the school year a night falls in (school years start in July here)."""
    return night.year + 1 if night.month >= 7 else night.year


def _decimal(value: float) -> str:
    """Credits as SIS exports print them: 1.0, 0.5, 0.25, 12.75."""
    text = f"{value:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _mmddyyyy(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


LETTER_CUTOFFS = (
    (97, "A+"),
    (93, "A"),
    (90, "A-"),
    (87, "B+"),
    (83, "B"),
    (80, "B-"),
    (77, "C+"),
    (73, "C"),
    (70, "C-"),
    (67, "D+"),
    (63, "D"),
    (60, "D-"),
)
LETTER_MARKS = tuple(letter for _, letter in LETTER_CUTOFFS) + ("F", "P", "I", "NG")
NO_CREDIT_MARKS = ("F", "I", "NG")
NUMERIC_PASSING = 70


def _grade_result(
    rng: random.Random, ability: float, attempted: float, numeric: bool
) -> tuple[str, str, str]:
    """(Grade Mark, Percent, Credit Earned) for one course and term."""
    roll = rng.random()
    if roll < 0.04:  # pass/fail courses, incompletes and no-grades: no percent
        mark = "P" if roll < 0.02 else "I" if roll < 0.03 else "NG"
        return mark, "", _decimal(attempted if mark == "P" else 0.0)
    percent = round(_clamp(rng.gauss(ability, 6.0), 35.0, 100.0), 1)
    if numeric:
        mark = str(round(percent))
        passed = int(mark) >= NUMERIC_PASSING
    else:
        mark = next((letter for cutoff, letter in LETTER_CUTOFFS if percent >= cutoff), "F")
        passed = mark not in NO_CREDIT_MARKS
    return mark, f"{percent:.1f}", _decimal(attempted if passed else 0.0)


# ------------------------------------------------------------- population (Skyward SMS columns)

# Names use only characters Windows-1252 can encode (no ễ, Ł, ă…): the same district may
# export in either encoding.
FIRST_NAMES = {
    "F": (
        "María",
        "Sofía",
        "Zoë",
        "Renée",
        "Chloé",
        "Inés",
        "Ximena",
        "Valentina",
        "Camila",
        "Emma",
        "Olivia",
        "Ava",
        "Mia",
        "Harper",
        "Amelia",
        "Isabella",
        "Abigail",
        "Lily-Mae",
        "Anne-Marie",
        "Aaliyah",
        "Brooklyn",
        "Madison",
        "Leah",
        "Nora",
        "Élodie",
        "Anaïs",
        "Noémie",
        "Dominique",
        "Zuzana",
        "Maëlle",
    ),
    "M": (
        "José",
        "Andrés",
        "Raúl",
        "Jesús",
        "Ángel",
        "Iván",
        "Matías",
        "Joaquín",
        "François",
        "Noël",
        "Liam",
        "Noah",
        "Elijah",
        "James",
        "Mateo",
        "Lucas",
        "Ethan",
        "Jackson",
        "Aiden",
        "Caleb",
        "Jean-Luc",
        "D’Andre",
        "Søren",
        "Zoltán",
        "Björn",
        "Óscar",
        "Tomáš",
        "Wyatt",
        "Hunter",
        "Luis",
    ),
}
LAST_NAMES = (
    "Peña",
    "Muñoz",
    "García",
    "Hernández",
    "López",
    "Martínez",
    "González",
    "Rodríguez",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Núñez",
    "Ibáñez",
    "Gómez",
    "Ortiz",
    "Cruz",
    "Reyes",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Moore",
    "Jackson",
    "Lee",
    "Nguyen",
    "Tran",
    "Patel",
    "Kim",
    "Müller",
    "Schröder",
    "Brontë",
    "O’Brien",
    "O’Connor",
    "D’Angelo",
    "Smith-Jones",
    "García-López",
    "St. Clair",
    "Van der Berg",
    "Lefèvre",
)
# The first students of every district, so each file shows these realities even when small.
FIXED_STUDENTS = (("José", "Peña", "M"), ("Zoë", "O’Brien", "F"), ("Renée", "García-López", "F"))
STATE_ID_DIGITS = {"TX": 10, "IN": 9}


@dataclass(frozen=True)
class CatalogCourse:
    description: str
    credit: float
    state_codes: dict[str, str]  # state -> state course code (TX PEIMS service id, IN DOE code)


def _catalog(rows: Sequence[tuple[str, float, str, str]]) -> tuple[CatalogCourse, ...]:
    return tuple(CatalogCourse(d, c, {"TX": tx, "IN": ind}) for d, c, tx, ind in rows)


# Synthetic catalog: plausible titles and code shapes (TX ^[0-9A-Z]{8}$, IN ^\d{4}$), not an
# authoritative code list. Some titles hold commas so the files need quoting.
HIGH_SCHOOL_COURSES = _catalog(
    (
        ("English I", 1.0, "03220100", "1002"),
        ("English I, Honors", 1.0, "03220100", "1002"),
        ("English II", 1.0, "03220200", "1004"),
        ("English III", 1.0, "03220300", "1006"),
        ("English IV", 1.0, "03220400", "1008"),
        ("Algebra I", 1.0, "03100500", "2520"),
        ("Geometry", 1.0, "03100700", "2532"),
        ("Algebra II", 1.0, "03100600", "2522"),
        ("Precalculus", 1.0, "03101100", "2564"),
        ("AP Calculus AB", 1.0, "A3100101", "2562"),
        ("AP Statistics", 1.0, "A3100200", "2570"),
        ("College Preparatory Mathematics", 1.0, "CP111200", "2526"),
        ("Dual Credit College Algebra", 0.5, "N1290001", "2518"),
        ("Biology", 1.0, "03010200", "3024"),
        ("Chemistry", 1.0, "03040000", "3064"),
        ("Physics", 1.0, "03050000", "3084"),
        ("Integrated Physics and Chemistry", 1.0, "03060201", "3108"),
        ("Environmental Systems", 1.0, "03020000", "3010"),
        ("Anatomy and Physiology", 1.0, "13020600", "5276"),
        ("World Geography Studies", 1.0, "03320100", "1570"),
        ("World History Studies", 1.0, "03340400", "1548"),
        ("U.S. History Studies Since 1877", 1.0, "03340100", "1542"),
        ("U.S. Government", 0.5, "03330100", "1540"),
        ("Economics, with Emphasis on the Free Enterprise System", 0.5, "03310300", "1514"),
        ("Psychology", 0.5, "03350100", "1532"),
        ("Sociology", 0.5, "03370100", "1534"),
        ("Spanish I", 1.0, "03440100", "2120"),
        ("Spanish II", 1.0, "03440200", "2122"),
        ("Spanish III", 1.0, "03440300", "2124"),
        ("French I", 1.0, "03410100", "2020"),
        ("Physical Education, Foundations of Personal Fitness", 1.0, "PES00052", "3542"),
        ("Health Education", 0.5, "03810100", "3506"),
        ("Art I", 1.0, "03500100", "4000"),
        ("Art II, Drawing", 1.0, "03500500", "4004"),
        ("Theatre I", 1.0, "03250100", "4242"),
        ("Choir I", 1.0, "03150100", "4182"),
        ("Band I", 1.0, "03150200", "4160"),
        ("Debate I", 1.0, "03240400", "1078"),
        ("Journalism", 1.0, "03230100", "1080"),
        ("Principles of Health Science", 1.0, "13020200", "5274"),
        ("Principles of Information Technology", 1.0, "13027200", "4803"),
        ("Computer Science I", 1.0, "03580200", "4568"),
        ("Principles of Agriculture, Food, and Natural Resources", 1.0, "13000200", "5002"),
        ("Animal Science", 1.0, "13000600", "5008"),
        ("Welding I", 1.0, "13032300", "5776"),
        ("Principles of Business, Marketing, and Finance", 1.0, "13011200", "4562"),
        ("Accounting I", 1.0, "13016600", "4524"),
        ("Personal Financial Literacy", 0.5, "03380082", "4540"),
    )
)
MIDDLE_SCHOOL_COURSES = _catalog(
    (
        ("English Language Arts and Reading, Grade 6", 1.0, "02200600", "0428"),
        ("English Language Arts and Reading, Grade 7", 1.0, "02200700", "0430"),
        ("English Language Arts and Reading, Grade 8", 1.0, "02200800", "0432"),
        ("Mathematics, Grade 6", 1.0, "02300600", "0502"),
        ("Mathematics, Grade 7", 1.0, "02300700", "0504"),
        ("Mathematics, Grade 8", 1.0, "02300800", "0506"),
        ("Algebra I", 1.0, "03100500", "2520"),
        ("Science, Grade 6", 1.0, "02400600", "0602"),
        ("Science, Grade 7", 1.0, "02400700", "0604"),
        ("Science, Grade 8", 1.0, "02400800", "0606"),
        ("Social Studies, Grade 6", 1.0, "02500600", "0702"),
        ("Social Studies, Grade 7", 1.0, "02500700", "0704"),
        ("Social Studies, Grade 8", 1.0, "02500800", "0706"),
        ("Physical Education, Grade 6", 1.0, "PES00006", "0802"),
        ("Physical Education, Grade 7", 1.0, "PES00007", "0804"),
        ("Physical Education, Grade 8", 1.0, "PES00008", "0806"),
        ("Health, Middle School", 0.5, "02810000", "0810"),
        ("Art, Middle School", 1.0, "02500100", "0902"),
        ("Band, Middle School", 1.0, "02150200", "0904"),
        ("Choir, Middle School", 1.0, "02150100", "0906"),
        ("Theatre Arts, Middle School", 1.0, "02250100", "0908"),
        ("Exploratory Spanish", 0.5, "02440000", "0920"),
        ("Career Investigation", 0.5, "12701300", "0930"),
        ("Technology Applications", 0.5, "03580100", "0932"),
        ("Coding and Robotics", 0.5, "N1270002", "0934"),
        ("Study Skills", 0.5, "85000000", "0940"),
        ("Reading Intervention", 0.5, "85000010", "0942"),
        ("Keyboarding", 0.5, "03580110", "0944"),
    )
)

# Term schemes: (term, share of the course credit attempted in that term). Quarter and
# trimester marks are progress marks; the Y1/F row carries the credit.
TERM_SCHEMES = (
    (("S1", 0.5), ("S2", 0.5)),
    (("Q1", 0.0), ("Q2", 0.0), ("Q3", 0.0), ("Q4", 0.0), ("Y1", 1.0)),
    (("T1", 0.0), ("T2", 0.0), ("T3", 0.0), ("F", 1.0)),
)
TERMS = tuple(term for scheme in TERM_SCHEMES for term, _ in scheme)
SECTIONS = ("01", "02", "03")
COURSES_PER_YEAR = 6
# GPA types and scales per state; middle-school years carry the Unweighted GPA only.
GPA_TYPES = {
    "TX": (("Weighted", 6), ("Unweighted", 4), ("Local", 100)),
    "IN": (("Weighted", 5), ("Unweighted", 4), ("State", 4)),
}
MIDDLE_SCHOOL_GPA_TYPES = (("Unweighted", 4),)
GRADE_CODES = (
    ("PK", "KG", "K")
    + tuple(f"{g:02d}" for g in range(1, 13))
    + tuple(str(g) for g in range(1, 10))
)
CERTIFICATIONS = (
    ("118", "Certified Nursing Assistant (CNA)", "Texas Health and Human Services Commission"),
    ("214", "Food Handler", "Texas Department of State Health Services"),
    ("322", "OSHA 10-Hour, General Industry", "Occupational Safety and Health Administration"),
    ("413", "Adobe Certified Professional in Visual Design", "Adobe"),
    ("507", "AWS Certified Cloud Practitioner", "Amazon Web Services"),
    ("611", "NCCER Core Curriculum", "National Center for Construction Education and Research"),
    ("738", "CompTIA A+", "CompTIA"),
    ("0842", "Certified Veterinary Assistant, Level I", "Texas Veterinary Medical Association"),
    ("1045", "Microsoft Office Specialist: Excel Associate", "Certiport, a Pearson VUE business"),
    ("1120", "AWS D1.1 Structural Steel Welding", "American Welding Society"),
    ("1203", "Emergency Medical Technician – Basic", "National Registry of EMTs"),
    ("1310", "ServSafe Manager", "National Restaurant Association"),
)


@dataclass(frozen=True)
class Course:
    school_id: str
    key: str
    description: str
    state_code: str
    credit: float


@dataclass(frozen=True)
class Student:
    name_id: str
    other_id: str
    state_id: str
    grade: int  # -1 (PK) .. 12
    school_id: str
    ability: float  # mean percent of this student's marks

    def history(self, schools: Sequence[School], school_year: int) -> list[tuple[int, int, str]]:
        """(school year, grade, school id) from entering the current level to now."""
        if self.grade < 6:
            return []
        first = 9 if self.grade >= 9 else 6
        years = []
        for grade in range(first, self.grade + 1):
            # the current building if it serves that grade, else the first one that does
            serving = [s.school_id for s in schools if _serves(s, grade)]
            school_id = self.school_id if self.school_id in serving else next(iter(serving), "")
            if school_id:
                years.append((school_year - (self.grade - grade), grade, school_id))
        return years


def _grade_code(rng: random.Random, grade: int) -> str:
    if grade == -1:
        return "PK"
    if grade == 0:
        return "K" if rng.random() < 0.2 else "KG"
    if grade <= 9 and rng.random() < 0.15:
        return str(grade)  # unpadded, as some buildings key it
    return f"{grade:02d}"


def _birth_date(rng: random.Random, grade: int, school_year: int) -> date:
    # Age on September 1 of the fall is grade + 5 (KG = 5, PK = 4).
    latest = date(school_year - 1 - (grade + 5), 9, 1)
    return latest - timedelta(days=rng.randrange(365))


def _build_students(
    district: District, rng: random.Random, night: date, count: int
) -> tuple[list[Student], list[Row]]:
    if not district.schools:
        raise ValueError(f"district {district.id}: districts.yml lists no schools")
    if not 1 <= count <= 999_999:
        raise ValueError(f"district {district.id}: students must be 1..999999 (6-digit ids)")
    state_digits = STATE_ID_DIGITS.get(district.state)
    if state_digits is None:
        raise ValueError(f"district {district.id}: no state ID format for {district.state}")
    school_year = school_year_of(night)
    grades = [g for g in range(-1, 13) if any(_serves(s, g) for s in district.schools)]
    counselors = {
        s.school_id: (str(rng.randrange(1000, 10000)), str(rng.randrange(1000, 10000)))
        for s in district.schools
        if grade_number(s.grade_high) >= 6
    }
    # Sorted samples keep ids unique; many Other IDs get leading zeros.
    other_ids = sorted(rng.sample(range(1, min(1_000_000, max(200_000, 10 * count))), count))
    state_ids = rng.sample(range(10**state_digits), count)
    name_id = rng.randrange(10_000, 90_000)

    students: list[Student] = []
    rows: list[Row] = []
    for i in range(count):
        if i < len(FIXED_STUDENTS):
            first, last, gender = FIXED_STUDENTS[i]
        else:
            gender = rng.choice("FM")
            first, last = rng.choice(FIRST_NAMES[gender]), rng.choice(LAST_NAMES)
        roll = rng.random()
        middle = (
            ""
            if roll < 0.4
            else rng.choice("ABCDJLMR")
            if roll < 0.5
            else rng.choice(FIRST_NAMES[gender])
        )
        grade = 11 if i == 0 and 11 in grades else rng.choice(grades)
        school = rng.choice([s for s in district.schools if _serves(s, grade)])
        name_id += rng.randrange(1, 10)
        student = Student(
            name_id=str(name_id),
            other_id=f"{other_ids[i]:06d}",
            state_id=f"{state_ids[i]:0{state_digits}d}",
            grade=grade,
            school_id=school.school_id,
            ability=_clamp(rng.gauss(83.0, 7.0), 60.0, 99.0),
        )
        counselor = ""
        if school.school_id in counselors and rng.random() < 0.9:
            counselor = rng.choice(counselors[school.school_id])
        students.append(student)
        rows.append(
            {
                "Name ID": student.name_id,
                "Other ID": student.other_id,
                "Last Name": last,
                "First Name": first,
                "Middle Name": middle,
                "Birth Date": _mmddyyyy(_birth_date(rng, grade, school_year)),
                "Gender": gender,
                "Entity ID": school.school_id,
                "Grade": _grade_code(rng, grade),
                "Grad Yr": str(school_year + 12 - grade),
                "Status": "A" if i == 0 or rng.random() < 0.95 else "I",
                "State ID": student.state_id,
                "Counselor ID": counselor,
            }
        )
    return students, rows


def _course_schools(schools: Sequence[School]) -> list[School]:
    """Buildings that teach graded courses (any of grades 06-12)."""
    return [s for s in schools if any(_serves(s, g) for g in range(6, 13))]


def _build_courses(district: District, rng: random.Random, count: int) -> list[Course]:
    """30-80 courses spread over the buildings by the number of graded grades they serve."""
    target = int(_clamp(count // 10, 30, 80))
    schools = _course_schools(district.schools)
    weights = [sum(_serves(s, g) for g in range(6, 13)) for s in schools]
    picks: list[tuple[School, CatalogCourse]] = []
    for school, weight in zip(schools, weights, strict=True):
        catalog = (
            HIGH_SCHOOL_COURSES if grade_number(school.grade_high) >= 9 else MIDDLE_SCHOOL_COURSES
        )
        share = min(len(catalog), max(COURSES_PER_YEAR, round(target * weight / sum(weights))))
        chosen = sorted(rng.sample(range(len(catalog)), share))  # keep catalog order
        picks += [(school, catalog[n]) for n in chosen]
    keys = sorted(rng.sample(range(1, 5000), len(picks)))  # unique across the whole file
    return [
        Course(
            school.school_id,
            f"{key:04d}",
            entry.description,
            entry.state_codes[district.state],
            entry.credit,
        )
        for (school, entry), key in zip(picks, keys, strict=True)
    ]


def _current_terms(scheme: Sequence[tuple[str, float]], night: date) -> int:
    """How many terms of the current school year have marks by this night."""
    start = date(school_year_of(night) - 1, 8, 1)
    elapsed = _clamp((night - start).days / 300, 0.0, 1.0)
    return max(1, round(len(scheme) * elapsed))


def _build_grades(
    district: District,
    rng: random.Random,
    night: date,
    students: Sequence[Student],
    courses: Sequence[Course],
) -> tuple[list[Row], dict[tuple[str, int], float]]:
    """Grade rows, and credits earned per (Other ID, School Year) for the GPA file."""
    school_year = school_year_of(night)
    by_school: dict[str, list[Course]] = {}
    for course in courses:
        by_school.setdefault(course.school_id, []).append(course)
    # Each building has its own term scheme and mark style (letters or numbers).
    plans = {
        s.school_id: (TERM_SCHEMES[n % len(TERM_SCHEMES)], n % 2 == 1)
        for n, s in enumerate(_course_schools(district.schools))
    }
    rows: list[Row] = []
    earned: dict[tuple[str, int], float] = {}
    for student in students:
        for year, _grade, school_id in student.history(district.schools, school_year):
            scheme, numeric = plans[school_id]
            if year == school_year:
                scheme = scheme[: _current_terms(scheme, night)]
            offered = by_school[school_id]
            taken = sorted(
                rng.sample(offered, min(COURSES_PER_YEAR, len(offered))), key=lambda c: c.key
            )
            total = 0.0
            for course in taken:
                section = rng.choice(SECTIONS)
                for term, share in scheme:
                    attempted = course.credit * share
                    mark, percent, credit_earned = _grade_result(
                        rng, student.ability, attempted, numeric
                    )
                    total += float(credit_earned)
                    rows.append(
                        {
                            "Other ID": student.other_id,
                            "Name ID": student.name_id,
                            "Entity ID": school_id,
                            "School Year": str(year),
                            "Course Key": course.key,
                            "Course Description": course.description,
                            "Section": section,
                            "Term": term,
                            "Grade Mark": mark,
                            "Percent": percent,
                            "Credit Attempted": _decimal(attempted),
                            "Credit Earned": credit_earned,
                            "State Course Code": course.state_code,
                        }
                    )
            earned[(student.other_id, year)] = total
    return rows, earned


def _build_gpa(
    district: District,
    rng: random.Random,
    night: date,
    students: Sequence[Student],
    earned: Mapping[tuple[str, int], float],
) -> list[Row]:
    school_year = school_year_of(night)
    graded = [s for s in students if s.grade >= 6]
    # Class rank within the graduating class, by ability (ties keep file order).
    cohorts: dict[int, list[Student]] = {}
    for student in graded:
        cohorts.setdefault(student.grade, []).append(student)
    rank: dict[str, tuple[int, int]] = {}
    for cohort in cohorts.values():
        ordered = sorted(cohort, key=lambda s: -s.ability)
        for place, student in enumerate(ordered, start=1):
            rank[student.other_id] = (place, len(cohort))
    types = GPA_TYPES[district.state]
    rows: list[Row] = []
    for student in graded:
        boost = rng.random()  # share of weighted (honors/AP) courses
        credits = 0.0
        for year, grade, school_id in student.history(district.schools, school_year):
            credits += earned.get((student.other_id, year), 0.0)
            percent = _clamp(rng.gauss(student.ability, 1.5), 0.0, 100.0)
            unweighted = _clamp((percent - 50.0) / 12.5, 0.0, 4.0)
            for gpa_type, scale in types if grade >= 9 else MIDDLE_SCHOOL_GPA_TYPES:
                if scale == 100:
                    gpa = f"{percent:.2f}"
                elif gpa_type == "Weighted":
                    gpa = f"{min(scale, unweighted + boost * (scale - 4)):.3f}"
                else:
                    gpa = f"{unweighted:.3f}"
                place, size = rank[student.other_id]
                rows.append(
                    {
                        "Other ID": student.other_id,
                        "Name ID": student.name_id,
                        "Entity ID": school_id,
                        "School Year": str(year),
                        "GPA Type": gpa_type,
                        "GPA": gpa,
                        "GPA Scale": str(scale),
                        "Credits": _decimal(credits),
                        "Class Rank": str(place),
                        "Class Size": str(size),
                    }
                )
    return rows


def _build_ibc(rng: random.Random, night: date, students: Sequence[Student]) -> list[Row]:
    rows: list[Row] = []
    for n, student in enumerate(students):
        # about 30% of grades 10-12; the first student (José Peña) always, for the demo
        if student.grade < 10 or not (n == 0 or rng.random() < 0.3):
            continue
        for code, description, vendor in rng.sample(CERTIFICATIONS, rng.randint(1, 2)):
            rows.append(
                {
                    "Other ID": student.other_id,
                    "State ID": student.state_id,
                    "Certification Code": code,
                    "Certification Description": description,
                    "Date Earned": _mmddyyyy(night - timedelta(days=rng.randint(1, 540))),
                    "Result": "Pass" if rng.random() < 0.85 else "Fail",
                    "Vendor": vendor,
                }
            )
    return rows
