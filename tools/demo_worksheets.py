"""Write the demo districts' Data Validation Worksheets (seeds/worksheets/<id>.csv) from
the marts of a demo night (`pathways demo`): what each synthetic district would fill in.

    python tools/demo_worksheets.py --db .pathways/pathways.duckdb [--out seeds/worksheets]

Students per school and grade (tolerance 5%) and in total (2%), staff, course requests,
grades and GPA rows per school, courses in total (10%). One district is made to disagree on
purpose (DISAGREE): the worksheet of an onboarding district expects 25% more students in
one grade than its files hold, so the demo shows a worksheet warning.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from ingest.registry import load_registry
from ingest.worksheets import HEADER, WORKSHEET_DIR

# district -> (school_id, grade_level, factor): the demo's deliberate disagreement
DISAGREE = {"hoosier_valley_schools": ("010", "09", 1.25)}
# district -> datasets its worksheet leaves out: cedar_bend_isd's marks wait for its own
# term codes (its district crosswalk rows), so the marts cannot tell what it would expect
OMIT = {"cedar_bend_isd": {"grades"}}
GRADE_ORDER = ("PK", "KG", *(f"{g:02d}" for g in range(1, 13)))
PER_SCHOOL = (
    ("staff", "dim_staff", 10),
    ("course_requests", "fct_course_request", 10),
    ("grades", "fct_student_grade", 10),
    ("gpa", "fct_student_gpa", 10),
)


def worksheet_rows(con: duckdb.DuckDBPyConnection, district_id: str, schools: list[str]) -> list:
    rows = []
    students = con.execute(
        "select school_id, grade_level, count(*) from marts.dim_student "
        "where district_id = ? group by all",
        [district_id],
    ).fetchall()
    by_school = {(s, g): n for s, g, n in students}
    disagree = DISAGREE.get(district_id)
    for school in schools:
        grades = sorted((g for s, g in by_school if s == school), key=GRADE_ORDER.index)
        for grade in grades:
            n = by_school[(school, grade)]
            if disagree and disagree[:2] == (school, grade):
                n = round(n * disagree[2])
            rows.append(("students", school, grade, n, 5))
    rows.append(("students", "", "", sum(by_school.values()), 2))
    for dataset, mart, tolerance in PER_SCHOOL:
        counts = dict(
            con.execute(
                f"select school_id, count(*) from marts.{mart} where district_id = ? group by all",
                [district_id],
            ).fetchall()
        )
        if dataset in OMIT.get(district_id, ()):
            continue
        rows += [(dataset, s, "", counts[s], tolerance) for s in schools if counts.get(s)]
    (courses,) = con.execute(
        "select count(*) from marts.dim_course where district_id = ?", [district_id]
    ).fetchone()
    rows.append(("courses", "", "", courses, 10))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="warehouse of a demo night")
    parser.add_argument("--out", type=Path, default=WORKSHEET_DIR)
    parser.add_argument("--skip", action="append", default=[], help="district id to leave out")
    parser.add_argument("--only", action="append", help="only this district (repeatable)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(args.db), read_only=True) as con:
        for district in load_registry():
            if district.id in args.skip or (args.only and district.id not in args.only):
                continue
            schools = [s.school_id for s in district.schools]
            lines = [",".join(HEADER)] + [
                ",".join(str(v) for v in row) for row in worksheet_rows(con, district.id, schools)
            ]
            path = args.out / f"{district.id}.csv"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            print(f"wrote {path} ({len(lines) - 1} lines)")


if __name__ == "__main__":
    main()
