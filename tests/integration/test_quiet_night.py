"""A night that grows with the data: nothing new, nothing built (ingest/night.py).

Night 1 loads a district and builds. Night 2 the district sends the same files again (every
file a duplicate): the night judges source freshness, rebuilds only its bookkeeping
(load_summary, district_runs), keeps the marts and the last build's results, says so in its
report and its run log, and `pathways validate` shows tonight's files. Night 3 the district
sends a new students file: the night builds again, without dbt's unit tests (they read no
data and the project did not change: night 1's results stand).
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from ingest.cli import main
from ingest.night import format_report, run_night
from ingest.paths import dbt_project_dir
from ingest.registry import load_registry
from ingest.simulation.generators import write_settled_night
from ingest.transform import build_results_path

NIGHT1, NIGHT3 = date(2026, 11, 27), date(2026, 11, 28)
STUDENTS = 30

pytestmark = pytest.mark.integration


def _registry(tmp: Path) -> Path:
    template = next(
        d
        for d in yaml.safe_load(Path("districts.yml").read_text())["districts"]
        if d["id"] == "bluebonnet_isd"
    )
    entry = {k: v for k, v in template.items() if k != "demo"}
    entry.update(
        id="quiet_isd",
        name="Quiet ISD (synthetic)",
        transfer={"method": "local", "folder": str(tmp / "drop" / "quiet_isd")},
        demo={"seed": 5, "students": STUDENTS, "encoding": "utf-8"},
    )
    path = tmp / "districts.yml"
    path.write_text(yaml.safe_dump({"districts": [entry]}, sort_keys=False))
    return path


def _write(district, folder: Path, night: date, students: int = STUDENTS):
    return write_settled_night(district, folder, night=night, students=students)


def _marts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            mart: con.execute(f"select count(*) from marts.{mart}").fetchone()[0]
            for mart in ("dim_student", "fct_student_grade", "fct_student_gpa")
        }


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("quiet")
    work = tmp / "work"
    db = work / "pathways.duckdb"
    registry = _registry(tmp)
    districts = load_registry(registry)
    folder = tmp / "drop" / "quiet_isd"
    out: dict = {"db": db}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATHWAYS_WORK_DIR", str(work))
        mp.setenv("PATHWAYS_DUCKDB_PATH", str(db))
        _write(districts[0], folder, NIGHT1)
        out["night1"] = run_night(districts, db_path=db, all_districts=districts)
        out["kept1"] = json.loads(build_results_path(db).read_text())
        out["marts1"] = _marts(db)
        static = dbt_project_dir() / "target" / "static_index.html"
        out["docs_mtime1"] = static.stat().st_mtime if static.is_file() else None

        # night 2: the same files again
        out["night2"] = run_night(districts, db_path=db, all_districts=districts)
        out["report2"] = format_report(out["night2"])
        out["kept2"] = json.loads(build_results_path(db).read_text())
        out["marts2"] = _marts(db)
        out["docs_mtime2"] = static.stat().st_mtime if static.is_file() else None
        with duckdb.connect(str(db), read_only=True) as con:
            run2 = out["night2"].run_id
            out["run_log2"] = con.execute(
                "select step, district_id, status, message from pathways_meta.run_log "
                "where run_id = ? order by step",
                [run2],
            ).fetchall()
            out["district_runs2"] = con.execute(
                "select status, dbt_status, dbt_message from validation.district_runs "
                "where run_id = ?",
                [run2],
            ).fetchall()
            out["load_summary2"] = con.execute(
                "select dataset, status from validation.load_summary where run_id = ?", [run2]
            ).fetchall()
        stdout = io.StringIO()
        with redirect_stdout(stdout):
            main(["--registry", str(registry), "validate", "--out", str(tmp / "reports")])
        out["validate2"] = stdout.getvalue()

        # night 3: a new students file
        _write(districts[0], folder, NIGHT3, students=STUDENTS + 2)
        out["night3"] = run_night(districts, db_path=db, all_districts=districts)
        out["kept3"] = json.loads(build_results_path(db).read_text())
        out["marts3"] = _marts(db)
    return out


def test_the_first_night_builds_and_remembers_what_it_read(nights):
    night1 = nights["night1"]
    assert night1.build_skipped_since is None
    assert night1.build is not None and night1.build.success
    kept = nights["kept1"]["night"]
    assert kept["run_id"] == night1.run_id
    assert {"project", "registry", "worksheets", "releases", "files"} <= set(kept["inputs"])


def test_a_night_with_nothing_new_skips_the_build_and_says_so(nights):
    night1, night2 = nights["night1"], nights["night2"]
    assert {f.status for n in night2.nights for f in n.files} <= {"duplicate", "missing"}
    # the files stayed as they were: judged by their listing, not downloaded again
    duplicates = [f for n in night2.nights for f in n.files if f.status == "duplicate"]
    assert duplicates
    assert all(f.entry["reason"].startswith("unchanged since it was received") for f in duplicates)
    assert night2.build_skipped_since == night1.run_id
    assert "build" not in night2.timings and "docs" not in night2.timings
    assert night2.docs is None
    assert nights["docs_mtime2"] == nights["docs_mtime1"]
    report = nights["report2"]
    assert f"nothing new since run {night1.run_id}: build skipped, marts unchanged" in report
    assert "dbt docs: unchanged since run" in report
    # the marts and the results are the last build's
    assert nights["marts2"] == nights["marts1"]
    assert nights["kept2"]["night"]["run_id"] == night1.run_id
    assert night2.build is not None and not night2.failed


def test_a_night_with_nothing_new_still_judges_freshness(nights):
    night2 = nights["night2"]
    assert night2.freshness is not None and night2.freshness.results
    assert "freshness" in night2.timings
    assert "source freshness:" in nights["report2"]


def test_the_run_log_and_validate_are_true_on_a_skipped_night(nights):
    night1 = nights["night1"]
    dbt_rows = [r for r in nights["run_log2"] if r[0] == "dbt"]
    assert [(r[2], r[3].split(":")[0]) for r in dbt_rows] == [
        ("skipped", f"nothing new since run {night1.run_id}")
    ]
    assert nights["district_runs2"] and all(
        status == "ok" and dbt_status == "skipped" and night1.run_id in dbt_message
        for status, dbt_status, dbt_message in nights["district_runs2"]
    )
    # tonight's files are in load_summary (its bookkeeping was rebuilt), as duplicates
    assert nights["load_summary2"]
    assert {status for _, status in nights["load_summary2"]} <= {"duplicate", "missing"}
    # the bookkeeping tests ran tonight: their entries in the kept results are tonight's
    names = {n["name"]: n for n in nights["kept2"]["results"]}
    assert "assert_latest_run_ok" in names and "assert_files_arrived_before_cutoff" in names
    assert len(nights["kept2"]["results"]) == len(nights["kept1"]["results"])
    assert "quiet_isd" in nights["validate2"] and "duplicate" in nights["validate2"]


def test_a_new_file_makes_the_next_night_build_again(nights):
    night3 = nights["night3"]
    assert night3.build_skipped_since is None
    assert night3.build_reason.startswith("new tonight: quiet_isd: students")
    assert "build" in night3.timings
    assert nights["kept3"]["night"]["run_id"] == night3.run_id
    assert nights["marts3"]["dim_student"] == STUDENTS + 2


def test_unit_tests_run_when_the_project_changes_only(nights):
    night1, night3 = nights["night1"], nights["night3"]
    assert night1.unit_tests_since is None
    assert night1.build.count("pass", resource_type="unit_test") > 0
    # night 3 builds new data with the same project: its unit tests are night 1's
    assert night3.unit_tests_since == night1.run_id
    assert night3.build.count("pass", resource_type="unit_test") == 0
    units1 = [n for n in nights["kept1"]["results"] if n["resource_type"] == "unit_test"]
    units3 = [n for n in nights["kept3"]["results"] if n["resource_type"] == "unit_test"]
    assert units3 == units1
    assert nights["kept3"]["night"]["unit_tests_run_id"] == night1.run_id
