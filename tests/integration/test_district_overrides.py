"""District-level overrides, end to end (DESIGN "District-level overrides are data").

cedar_bend_isd (onboarding, eSchool) defines its own MARK_TYPE codes (SEM1, SEM2 instead of
S1, S2) and names its files its own way (`Students.csv`, no date: its registry `files:`).
The eSchool districts' night is ingested and built once (local drop folders, real DuckDB,
real dbt): every file of cedar_bend_isd is found under its own name and loads; its marks of
its own codes are rejected (kept and reported) and the coverage test names them; everything
else of it, and of the two live eSchool districts, is accepted.

Every district gets a Data Validation Worksheet of its generated totals (the registry's
`worksheet:` key; cedar_bend_isd's leaves its grades out, as its demo worksheet does), so a
worksheet is not what blocks it: `pathways validate` finds it not ready because of its
rejected MARK_TYPE rows, names the codes and the rows to add, and once they are added it is
ready for training while the other districts' verdicts stay the same.

Then the district's crosswalk rows (ingest.crosswalks.crosswalk_row) are added to a COPY of
the project (dbt_project/, seeds/, macros/, tests/dbt/ under tmp, run through
PATHWAYS_DBT_PROJECT_DIR; the repo's seeds are never edited) and a copy of the warehouse is
rebuilt: its rejected marks are accepted, and no other district's mart (or validation) row
changes (tools/compare_marts.py with the district left out).
"""

from __future__ import annotations

import csv
import dataclasses
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingest.crosswalks import SEEDS_DIR, crosswalk_row
from ingest.demo import write_night
from ingest.night import run_night
from ingest.paths import DBT_PROJECT_DIR, REPO_ROOT
from ingest.registry import load_registry
from ingest.transform import run_dbt
from ingest.validation_report import collect
from ingest.worksheets import HEADER

sys.path.insert(0, str(REPO_ROOT / "tools"))
from compare_marts import compare  # noqa: E402

pytestmark = pytest.mark.integration

NIGHT = date(2026, 11, 27)
STUDENTS = 60
CEDAR = "cedar_bend_isd"
LIVE = ("caddo_lake_isd", "red_river_cisd")
# what the district says its codes mean (the onboarding engineer fills these in)
OWN_TERMS = {
    "SEM1": {"term_code": "S1", "term_name": "Semester 1", "term_type": "semester",
             "term_sequence": 1, "is_final_term": True},
    "SEM2": {"term_code": "S2", "term_name": "Semester 2", "term_type": "semester",
             "term_sequence": 2, "is_final_term": True},
    "FINL": {"term_code": "F", "term_name": "Final", "term_type": "final",
             "term_sequence": 1, "is_final_term": True},
}  # fmt: skip
FILE_NAMES = {
    "Students.csv", "Staff.csv", "Courses.csv", "CourseRequests.csv", "Grades.csv", "GPA.csv",
}  # fmt: skip
COVERAGE_TEST = "codes_map_to_crosswalk_stg_eschool__grades_term_code"
# worksheet dataset -> (mart, tolerance %), district totals (tools/demo_worksheets.py's)
WORKSHEET = {
    "students": ("dim_student", 2),
    "staff": ("dim_staff", 10),
    "courses": ("dim_course", 10),
    "course_requests": ("fct_course_request", 10),
    "grades": ("fct_student_grade", 10),
    "gpa": ("fct_student_gpa", 10),
}
OMIT = {CEDAR: {"grades"}}  # its marks wait for its own codes (tools/demo_worksheets.py)


def _write_worksheet(folder: Path, district_id: str, generated) -> Path:
    """The district's worksheet: what the generator wrote, per dataset, in total."""
    path = folder / f"{district_id}.csv"
    lines = [",".join(HEADER)] + [
        f"{dataset},,,{generated.expected_marts[mart]},{tolerance}"
        for dataset, (mart, tolerance) in WORKSHEET.items()
        if dataset not in OMIT.get(district_id, ()) and mart in generated.expected_marts
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _query(db: Path, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _rejections(db: Path) -> dict[str, dict[tuple[str, str], int]]:
    rows = _query(
        db,
        "select district_id, dataset, reason, count(*) from validation.rejected_rows "
        "where sis = 'eschool' group by all",
    )
    out: dict[str, dict[tuple[str, str], int]] = {d: {} for d in (CEDAR, *LIVE)}
    for district_id, dataset, reason, n in rows:
        out[district_id][(dataset, reason)] = n
    return out


def _own_code_marks(db: Path) -> dict[str, int]:
    rows = _query(
        db,
        "select upper(trim(mark_type)), count(*) from raw_eschool.grades "
        "where _district_id = ? group by 1",
        CEDAR,
    )
    return {code: n for code, n in rows if code in OWN_TERMS}


def _coverage(build) -> tuple[str, int]:
    (result,) = [r for r in build.results if r.name.startswith(COVERAGE_TEST)]
    return result.status, result.failures


@pytest.fixture(scope="module")
def before(tmp_path_factory):
    """The eSchool districts' night, ingested and built with the repo's project."""
    root = tmp_path_factory.mktemp("district-overrides")
    files = root / "files"
    districts = [
        dataclasses.replace(
            d, transfer={"method": "local", "folder": str(files / d.id / "outbound")}
        )
        for d in load_registry()
        if d.sis == "eschool"
    ]
    assert {d.id for d in districts} == {CEDAR, *LIVE}
    generated = write_night(districts, files, NIGHT, students=STUDENTS)
    sheets = root / "worksheets"
    sheets.mkdir()
    districts = [
        dataclasses.replace(d, worksheet=str(_write_worksheet(sheets, d.id, generated[d.id])))
        for d in districts
    ]
    db = root / "before.duckdb"
    report = run_night(districts, db_path=db, all_districts=districts, docs=False)
    return {
        "root": root,
        "db": db,
        "report": report,
        "generated": generated,
        "districts": districts,
        "verdicts": _verdicts(db, districts),
        "validate": _validate(db, root / "reports"),
    }


@pytest.fixture(scope="module")
def after(before, tmp_path_factory):
    """The same warehouse rebuilt by a copy of the project with cedar_bend_isd's rows."""
    root = tmp_path_factory.mktemp("district-overrides-after")
    project = root / "project"
    shutil.copytree(
        DBT_PROJECT_DIR, project / "dbt_project", ignore=shutil.ignore_patterns("target", "logs")
    )
    for folder in ("seeds", "macros", "tests/dbt"):
        shutil.copytree(REPO_ROOT / folder, project / folder)
    seed = project / "seeds" / "xwalk_terms.csv"
    text = seed.read_text(encoding="utf-8")
    lines = [crosswalk_row("xwalk_terms", "eschool", CEDAR, c, v) for c, v in OWN_TERMS.items()]
    seed.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    db = root / "after.duckdb"
    shutil.copy(before["db"], db)
    mp = pytest.MonkeyPatch()
    mp.setenv("PATHWAYS_DBT_PROJECT_DIR", str(project / "dbt_project"))
    try:
        build = run_dbt("build", db_path=db, quiet=True)
    finally:
        mp.undo()
    return {
        "db": db,
        "build": build,
        "lines": lines,
        "verdicts": _verdicts(db, before["districts"]),
        "validate": _validate(db, root / "reports"),
    }


def _verdicts(db: Path, districts) -> dict[str, tuple[str, ...]]:
    """district -> the reasons it is not ready for training (empty: ready), as validate."""
    return {v.district_id: tuple(v.reasons) for v in collect(db, districts)}


def _validate(db: Path, out: Path) -> subprocess.CompletedProcess:
    """The real `pathways validate --district cedar_bend_isd` on the warehouse."""
    return subprocess.run(
        [sys.executable, "-m", "ingest.cli", "--db", str(db), "validate"]
        + ["--district", CEDAR, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )


def test_own_file_names_are_found_and_load(before):
    report = before["report"]
    assert not report.district_errors
    (night,) = [n for n in report.nights if n.district.id == CEDAR]
    loaded = {f.entry["file_name"]: f for f in night.files}
    assert set(loaded) == FILE_NAMES
    generated = before["generated"][CEDAR]
    for f in loaded.values():
        dataset = f.entry["dataset"]
        assert f.status == "loaded", (dataset, f.entry.get("reason"))
        assert f.entry["rows_loaded"] == generated.rows[dataset]


def test_own_codes_are_rejected_and_reported_everything_else_loads(before):
    report, db = before["report"], before["db"]
    assert report.build.success and not report.build.errors, report.build.errors
    own = _own_code_marks(db)
    assert set(own) == {"SEM1", "SEM2"}  # FINL is declared but this night posts no final
    rejections = _rejections(db)
    assert rejections[CEDAR] == {
        ("grades", f"MARK_TYPE {code} is not a known term"): n for code, n in own.items()
    }
    assert rejections["caddo_lake_isd"] == rejections["red_river_cisd"] == {}
    generated = before["generated"][CEDAR]
    marts = report.mart_rows[CEDAR]
    for mart, rows in generated.expected_marts.items():
        expected = rows - sum(own.values()) if mart == "fct_student_grade" else rows
        assert marts[mart] == expected, (mart, marts[mart], expected)
    # the coverage test names (district, code) once per unmapped code, as a warning
    assert _coverage(report.build) == ("warn", len(own))


def test_district_rows_turn_rejections_into_grades(before, after):
    build, db = after["build"], after["db"]
    assert build.success and not build.errors, build.errors
    assert _coverage(build) == ("pass", 0)
    assert _rejections(db) == {CEDAR: {}, "caddo_lake_isd": {}, "red_river_cisd": {}}
    generated = before["generated"][CEDAR]
    for mart, rows in generated.expected_marts.items():
        got = _query(db, f"select count(*) from marts.{mart} where district_id = ?", CEDAR)
        assert got == [(rows,)], mart
    own = _own_code_marks(before["db"])
    terms = _query(
        db,
        "select term_code, count(*) from marts.fct_student_grade where district_id = ? "
        "and term_code in ('S1', 'S2') group by 1",
        CEDAR,
    )
    assert dict(terms) == {"S1": own["SEM1"], "S2": own["SEM2"]}


# the last dbt run of the run log: the night's build had not logged itself yet when it built
# district_runs, the rebuild sees it (run metadata, not data)
DBT_RUN_COLUMNS = {f"district_runs.dbt_{c}" for c in ("status", "message", "ended_at")}


def test_no_other_district_changes(before, after):
    for schema, ignore in (("marts", set()), ("validation", DBT_RUN_COLUMNS)):
        lines, differ = compare(before["db"], after["db"], ignore, schema, [CEDAR])
        assert not differ, "\n".join(lines)
    # and the district's own rows did change
    _, differ = compare(before["db"], after["db"], set(), "marts")
    assert differ


def test_the_repo_seeds_are_untouched(after):
    with (SEEDS_DIR / "xwalk_terms.csv").open(encoding="utf-8", newline="") as f:
        assert all(row["district_id"] == "" for row in csv.DictReader(f))
    assert after["lines"][0] == "eschool,cedar_bend_isd,SEM1,S1,Semester 1,semester,1,true"


def test_validate_not_ready_then_ready_once_its_rows_are_added(before, after):
    own = _own_code_marks(before["db"])
    run = before["validate"]
    assert run.returncode == 1, run.stderr
    assert f"== {CEDAR} (eschool, TX, onboarding): NOT READY for training ==" in run.stdout
    (reason,) = before["verdicts"][CEDAR]  # its codes are the only blocker
    assert reason.startswith("grades: ") and "of rows rejected" in reason, reason
    for code, n in sorted(own.items(), key=lambda c: -c[1]):
        assert f"MARK_TYPE {code} is not a known term ({n:,} rows)" in reason
        # the codes, with the district's crosswalk row to paste
        assert f"MARK_TYPE {code}  seeds/xwalk_terms.csv: eschool,{CEDAR},{code}," in run.stdout
    assert (before["root"] / "reports" / f"{CEDAR}.html").is_file()

    run = after["validate"]
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"== {CEDAR} (eschool, TX, onboarding): READY for training ==" in run.stdout
    assert after["verdicts"][CEDAR] == ()


def test_no_other_districts_verdict_changes(before, after):
    for district_id in LIVE:
        assert after["verdicts"][district_id] == before["verdicts"][district_id]
        assert before["verdicts"][district_id] == (), before["verdicts"][district_id]
