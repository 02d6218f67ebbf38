"""The benchmark's big file: a Skyward SMS grades file of any size, streamed.

Written in the declared layout (`_skyward_sms__sources.yml`) from a few per-student row
patterns built with the shared population helpers, so a million rows take seconds.
"""

from __future__ import annotations

import io
import random
from collections.abc import Mapping
from pathlib import Path

from ingest.declarations import FileDeclaration
from ingest.simulation.generators.common import (
    COURSES_PER_YEAR,
    HIGH_SCHOOL_COURSES,
    SECTIONS,
    TERM_SCHEMES,
    Course,
    _clamp,
    _csv_writer,
    _decimal,
    _declaration,
    _grade_result,
    _open_csv,
)

BULK_SCHOOL_YEARS = (2024, 2025, 2026, 2027)
BULK_PATTERNS = 97  # distinct per-student row patterns, cycled


def _csv_line(decl: FileDeclaration, row: Mapping[str, str]) -> str:
    buffer = io.StringIO()
    _csv_writer(buffer, decl).writerow([row[c] for c in decl.columns])
    return buffer.getvalue()


def _bulk_patterns(decl: FileDeclaration, rng: random.Random) -> list[list[str]]:
    """Per-student blocks of CSV lines with `{0}` (Other ID) and `{1}` (Name ID) slots.

    Rendering through the csv writer once per pattern keeps quoting and column order
    exactly as declared; per row only str.format runs, which keeps 1M rows in seconds."""
    keys = sorted(rng.sample(range(1, 5000), len(HIGH_SCHOOL_COURSES)))
    courses = [
        Course("001", f"{k:04d}", c.description, c.state_codes["TX"], c.credit)
        for c, k in zip(HIGH_SCHOOL_COURSES, keys, strict=True)
    ]
    patterns = []
    for _ in range(BULK_PATTERNS):
        ability = _clamp(rng.gauss(83.0, 7.0), 60.0, 99.0)
        block = []
        for year in BULK_SCHOOL_YEARS:
            for course in sorted(rng.sample(courses, COURSES_PER_YEAR), key=lambda c: c.key):
                section = rng.choice(SECTIONS)
                for term, share in TERM_SCHEMES[0]:  # S1, S2
                    attempted = course.credit * share
                    mark, percent, earned = _grade_result(rng, ability, attempted, False)
                    row = {
                        "Entity ID": course.school_id,
                        "School Year": str(year),
                        "Course Key": course.key,
                        "Course Description": course.description,
                        "Section": section,
                        "Term": term,
                        "Grade Mark": mark,
                        "Percent": percent,
                        "Credit Attempted": _decimal(attempted),
                        "Credit Earned": earned,
                        "State Course Code": course.state_code,
                    }
                    # escape braces so only the two slots are str.format fields
                    row = {k: v.replace("{", "{{").replace("}", "}}") for k, v in row.items()}
                    block.append(_csv_line(decl, row | {"Other ID": "{0}", "Name ID": "{1}"}))
        patterns.append(block)
    return patterns


def write_grades_file(path: Path, rows: int, *, seed: int = 1) -> int:
    """A big Skyward SMS grades file (declared layout, UTF-8, CRLF, header) for the ingest
    benchmark, streamed one student at a time. Returns the data rows written.

    Each student has 48 rows (4 school years x 6 courses x S1/S2), unique on
    (Other ID, School Year, Term, Course Key, Section)."""
    decl = _declaration("skyward_sms", "grades")
    patterns = _bulk_patterns(decl, random.Random(seed))
    per_student = len(patterns[0])
    if rows < 0 or rows > 999_999 * per_student:
        raise ValueError(f"rows must be 0..{999_999 * per_student} (6-digit student ids)")
    f, writer = _open_csv(Path(path), decl, "utf-8")
    with f:
        writer.writerow(decl.columns)
        written = 0
        student = 0
        while written < rows:
            block = patterns[student % len(patterns)][: rows - written]
            other_id, name_id = f"{student + 1:06d}", str(500_000 + 3 * student)
            f.write("".join(line.format(other_id, name_id) for line in block))
            written += len(block)
            student += 1
    return written


def stored_grades_records(rows: int) -> list[dict[str, str]]:
    """The benchmark's big PowerSchool result: `rows` STOREDGRADES records (TABLE.FIELD keys,
    string values, as the emulator serves them), 24 per student over one school year."""
    marks = ("A", "A-", "B+", "B", "B-", "C+", "C", "D", "F", "P")
    codes = ("Q1", "Q2", "S1", "Q3", "Q4", "S2")
    records = []
    for n in range(rows):
        student, slot = divmod(n, 24)
        course, term = divmod(slot, len(codes))
        mark = marks[(student + slot) % len(marks)]
        records.append(
            {
                "STOREDGRADES.STUDENTID": str(100_000 + student),
                "STOREDGRADES.SCHOOLID": "100",
                "STOREDGRADES.TERMID": str(3601 + term // 3),
                "STOREDGRADES.STORECODE": codes[term],
                "STOREDGRADES.GRADE_LEVEL": str(9 + student % 4),
                "STOREDGRADES.COURSE_NUMBER": f"{1000 + course * 7 + student % 5:04d}",
                "STOREDGRADES.SECTIONID": str(20_000 + course),
                "STOREDGRADES.GRADE": mark,
                "STOREDGRADES.PERCENT": "" if mark == "P" else str(60 + (student * 7 + slot) % 41),
                "STOREDGRADES.GPA_POINTS": "3.0",
                "STOREDGRADES.EARNEDCRHRS": "0.5" if codes[term].startswith("S") else "0",
                "STOREDGRADES.POTENTIALCRHRS": "0.5" if codes[term].startswith("S") else "0",
            }
        )
    return records
