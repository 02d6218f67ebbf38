"""The Data Validation Worksheet: what a district expects Pathways to show (students per
school and grade, staff, courses, course requests, grades, GPA), one CSV per district.

Worksheets are reference data, not SQL: `seeds/worksheets/<district_id>.csv` (or the path
the district's registry entry names under `worksheet:`), loaded on every run into
`pathways_meta.validation_worksheets`; `validation.worksheet_comparison` compares them with
the marts. A malformed worksheet is a WorksheetError naming the district, file, line and
what to write; it never stops the other districts, and the district keeps its last good
worksheet in the warehouse.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.paths import REPO_ROOT
from ingest.registry import District
from ingest.warehouse import META

WORKSHEET_DIR = REPO_ROOT / "seeds" / "worksheets"
# Where the worksheets of districts without a `worksheet:` entry are read from; tests that
# generate other sizes than the demo's point it elsewhere (tests/integration/conftest.py).
WORKSHEET_DIR_ENV = "PATHWAYS_WORKSHEET_DIR"
HEADER = ("dataset", "school_id", "grade_level", "expected_count", "tolerance_pct")
# dataset -> the mart its actual count comes from (validation.worksheet_comparison)
DATASETS = {
    "students": "dim_student",
    "staff": "dim_staff",
    "courses": "dim_course",
    "course_requests": "fct_course_request",
    "grades": "fct_student_grade",
    "gpa": "fct_student_gpa",
}
GRADE_LEVELS = ("PK", "KG", *(f"{g:02d}" for g in range(1, 13)))


class WorksheetError(ValueError):
    """A worksheet the ingest cannot read: the message says where and what to write."""


@dataclass(frozen=True)
class WorksheetLine:
    dataset: str
    school_id: str | None
    grade_level: str | None
    expected_count: int
    tolerance_pct: float
    line_number: int


def worksheet_path(district: District) -> Path:
    """The registry's `worksheet:` (relative to the repo root) or seeds/worksheets/<id>.csv
    (the folder PATHWAYS_WORKSHEET_DIR names, when set)."""
    if district.worksheet:
        path = Path(district.worksheet)
        return path if path.is_absolute() else REPO_ROOT / path
    folder = Path(os.environ.get(WORKSHEET_DIR_ENV) or WORKSHEET_DIR)
    return folder / f"{district.id}.csv"


def _grade(value: str) -> str | None:
    value = value.strip().upper()
    if re.fullmatch(r"\d", value):
        value = f"0{value}"
    return value if value in GRADE_LEVELS else None


def read_worksheet(district: District, path: Path | None = None) -> list[WorksheetLine]:
    """Parse and check a district's worksheet (no file: no lines)."""
    path = path or worksheet_path(district)
    if not path.is_file():
        return []
    where = f"district {district.id}: worksheet {path}"
    schools = {s.school_id for s in district.schools}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise WorksheetError(f"{where}: not UTF-8 ({err.reason}); save it as CSV UTF-8") from None
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None or tuple(h.strip().lower() for h in header) != HEADER:
        raise WorksheetError(
            f"{where}, line 1: the header must be exactly `{','.join(HEADER)}`"
            f" (found {len(header or [])} columns)"
        )
    lines: list[WorksheetLine] = []
    seen: dict[tuple, int] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        at = f"{where}, line {number}"
        if len(row) != len(HEADER):
            raise WorksheetError(
                f"{at}: {len(row)} values; write {len(HEADER)}: {','.join(HEADER)}"
            )
        dataset, school_id, grade_text, count_text, tolerance_text = (c.strip() for c in row)
        if dataset not in DATASETS:
            raise WorksheetError(f"{at}: dataset must be one of {', '.join(DATASETS)}")
        if school_id and school_id not in schools:
            raise WorksheetError(
                f"{at}: school_id must be one of the district's schools in the registry "
                f"({', '.join(sorted(schools))}) or empty for the district total"
            )
        if school_id and dataset == "courses":
            raise WorksheetError(
                f"{at}: courses are counted for the whole district; leave school_id empty"
            )
        grade = None
        if grade_text:
            if dataset != "students":
                raise WorksheetError(f"{at}: grade_level is only for students; leave it empty")
            grade = _grade(grade_text)
            if grade is None:
                raise WorksheetError(
                    f"{at}: grade_level must be one of {', '.join(GRADE_LEVELS)} or empty for "
                    "all grades"
                )
        if not re.fullmatch(r"\d+", count_text):
            raise WorksheetError(f"{at}: expected_count must be a whole number (0 or more)")
        try:
            tolerance = float(tolerance_text) if tolerance_text else 0.0
        except ValueError:
            tolerance = -1.0
        if not 0 <= tolerance <= 100:
            raise WorksheetError(
                f"{at}: tolerance_pct must be a percentage from 0 to 100 (e.g. 5), or empty for 0"
            )
        key = (dataset, school_id or None, grade)
        if key in seen:
            raise WorksheetError(
                f"{at}: the same dataset, school_id and grade_level as line {seen[key]}; "
                "keep one line"
            )
        seen[key] = number
        lines.append(
            WorksheetLine(dataset, school_id or None, grade, int(count_text), tolerance, number)
        )
    return lines


def write_worksheets(
    con: duckdb.DuckDBPyConnection, districts: Sequence[District]
) -> dict[str, str]:
    """Load every district's worksheet into pathways_meta.validation_worksheets (created by
    warehouse.prepare). Returns
    district id -> error for the malformed ones (their last good worksheet stays)."""
    errors: dict[str, str] = {}
    con.execute("begin")
    ids = [d.id for d in districts]
    if ids:  # districts no longer in the registry lose their worksheet
        marks = ", ".join("?" for _ in ids)
        con.execute(
            f"delete from {META}.validation_worksheets where district_id not in ({marks})", ids
        )
    else:
        con.execute(f"delete from {META}.validation_worksheets")
    for district in districts:
        path = worksheet_path(district)
        try:
            lines = read_worksheet(district, path)
        except WorksheetError as err:
            errors[district.id] = str(err)
            continue
        con.execute(
            f"delete from {META}.validation_worksheets where district_id = ?", [district.id]
        )
        if lines:
            con.executemany(
                f"insert into {META}.validation_worksheets values (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        district.id,
                        line.dataset,
                        line.school_id,
                        line.grade_level,
                        line.expected_count,
                        line.tolerance_pct,
                        _display(path),
                        line.line_number,
                    )
                    for line in lines
                ],
            )
    con.execute("commit")
    return errors


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def template(district: District) -> str:
    """A worksheet to fill in: students per school and grade of the registry, staff and
    course requests per school, district totals; expected_count empty."""
    rows = [",".join(HEADER)]
    for school in district.schools:
        low, high = GRADE_LEVELS.index(school.grade_low), GRADE_LEVELS.index(school.grade_high)
        rows += [f"students,{school.school_id},{g},,5" for g in GRADE_LEVELS[low : high + 1]]
    rows += [f"staff,{s.school_id},,,10" for s in district.schools]
    rows += [f"course_requests,{s.school_id},,,10" for s in district.schools]
    rows += ["students,,,,5", "courses,,,,10", "grades,,,,10", "gpa,,,,10"]
    return "\n".join(rows) + "\n"
