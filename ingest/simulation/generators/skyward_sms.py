"""Synthetic Skyward SMS 2.0 nights: SkyBuild and Data Mining exports of one district.

Files are named by the declared pattern (`*` = the night as YYYYMMDD) and written by the
generic writer exactly as `_skyward_sms__sources.yml` declares them. The population comes
from the shared helpers (`common`), which already speak Skyward SMS's column names.

Skyward SMS 2.0 conventions used here:
- `School Year` is written as the spring year (2026-27 -> `2027`), like the marts' school_year.
  The current school year is the spring year of the night (Nov 2026 -> 2027).
- `Grade` mixes codes on purpose: `PK`, `KG` or `K`, `01`..`12`, and unpadded `1`..`9`.
- The IBC file (industry-based certifications) exists in Texas only.
- Realities every reader must survive: fields quoted only when they hold a comma, CRLF line
  ends, 1-2 blank trailing lines on some files, and the encoding of the district (utf-8,
  utf-8-sig with a BOM, or windows-1252).
"""

from __future__ import annotations

import random
from datetime import date

from ingest.registry import District
from ingest.simulation.generators.common import (
    Row,
    SisNight,
    _build_courses,
    _build_gpa,
    _build_grades,
    _build_ibc,
    _build_students,
    _decimal,
)

MARTS = {
    "dim_student": "students",
    "dim_course": "course_crosswalk",
    "fct_student_grade": "grades",
    "fct_student_gpa": "gpa",
    "fct_student_certification": "ibc",
}


def skyward_sms_rows(
    district: District, rng: random.Random, night: date, count: int, datasets: frozenset[str]
) -> dict[str, list[Row]]:
    students, student_rows = _build_students(district, rng, night, count)
    courses = _build_courses(district, rng, count)
    grade_rows, earned = _build_grades(district, rng, night, students, courses)
    rows = {
        "students": student_rows,
        "course_crosswalk": [
            {
                "Entity ID": c.school_id,
                "Course Key": c.key,
                "Course Description": c.description,
                "State Course Code": c.state_code,
                "Credit": _decimal(c.credit),
            }
            for c in courses
        ],
        "grades": grade_rows,
        "gpa": _build_gpa(district, rng, night, students, earned),
    }
    if "ibc" in datasets:
        rows["ibc"] = _build_ibc(rng, night, students)
    return rows


def build(
    district: District, rng: random.Random, night: date, count: int, datasets: frozenset[str]
) -> SisNight:
    built = skyward_sms_rows(district, rng, night, count, datasets)
    return SisNight(
        files=[(dataset, None, rows) for dataset, rows in built.items()],
        expected_marts={mart: len(built.get(dataset, [])) for mart, dataset in MARTS.items()},
    )
