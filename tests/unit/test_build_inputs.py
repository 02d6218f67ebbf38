"""The fingerprint of what a build reads (ingest/build_inputs.py) and the night's choice to
skip its build (ingest/night.py): a seed or model edit, a release or a newly loaded file
make the next night build; a night's duplicates and run log do not."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from ingest import build_inputs, warehouse
from ingest.night import NightReport, _skip_since, _unit_tests_since
from ingest.paths import REPO_ROOT
from ingest.pipeline import DistrictNight, FileOutcome
from ingest.registry import load_registry


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the dbt project with the folders it names next to it."""
    for folder in ("dbt_project", "seeds", "macros", "tests/dbt"):
        shutil.copytree(
            REPO_ROOT / folder,
            tmp_path / folder,
            ignore=shutil.ignore_patterns("target", "logs"),
        )
    return tmp_path / "dbt_project"


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(warehouse.META_DDL)
    return path


def _manifest_row(con, status: str, sha: str = "a" * 64) -> None:
    con.execute(
        f"insert into {warehouse.META}.file_manifest (district_id, sis, dataset, file_name, "
        "file_sha256, load_id, received_at, status) values "
        "('d1', 'skyward_sms', 'students', 'students.csv', ?, '1.0', now(), ?)",
        [sha, status],
    )


def test_the_project_files_cover_seeds_worksheets_macros_and_tests(project):
    files = {
        p.relative_to(project.parent).as_posix()
        for p in build_inputs.project_files(project)
        if p.is_relative_to(project.parent)
    }
    assert REPO_ROOT / "profiles" / "profiles.yml" in build_inputs.project_files(project)
    assert "dbt_project/dbt_project.yml" in files
    assert "dbt_project/selectors.yml" in files
    assert "seeds/xwalk_terms.csv" in files
    assert any(f.startswith("seeds/worksheets/") for f in files)
    assert any(f.startswith("macros/generic_tests/") for f in files)
    assert any(f.startswith("tests/dbt/") for f in files)
    assert any(f.startswith("dbt_project/models/marts/") for f in files)
    assert not any("/target/" in f or "/logs/" in f for f in files)


@pytest.mark.parametrize(
    "edit",
    ["seeds/xwalk_terms.csv", "dbt_project/models/marts/dim_student.sql", "macros/keys.sql"],
)
def test_a_seed_model_or_macro_edit_changes_the_fingerprint(project, db, edit):
    before = build_inputs.fingerprint(db, project)
    with open(project.parent / edit, "a", encoding="utf-8") as out:
        out.write("\n")
    after = build_inputs.fingerprint(db, project)
    assert build_inputs.changed(before, after) == ["project"]


def test_a_night_of_duplicates_and_its_run_log_leave_the_fingerprint(project, db):
    with duckdb.connect(str(db)) as con:
        _manifest_row(con, "loaded")
    before = build_inputs.fingerprint(db, project)
    with duckdb.connect(str(db)) as con:
        _manifest_row(con, "duplicate")
        _manifest_row(con, "missing", sha=None)
        con.execute(
            f"insert into {warehouse.META}.run_log (run_id, step, started_at, status) "
            "values ('r2', 'dbt', now(), 'skipped')"
        )
    assert build_inputs.changed(before, build_inputs.fingerprint(db, project)) == []


@pytest.mark.parametrize(
    "change, changed",
    [
        ("loaded", ["files"]),
        ("held", ["files"]),
        ("release", ["releases"]),
        ("registry", ["registry"]),
        ("worksheet", ["worksheets"]),
    ],
)
def test_what_the_build_reads_in_the_warehouse_changes_the_fingerprint(
    project, db, change, changed
):
    before = build_inputs.fingerprint(db, project)
    with duckdb.connect(str(db)) as con:
        if change in ("loaded", "held"):
            _manifest_row(con, change, sha="b" * 64)
        elif change == "release":
            con.execute(
                f"insert into {warehouse.META}.file_releases values ('d1', 'skyward_sms', "
                "'students', 'students.csv', 'b', '1.0', now(), 'someone', null)"
            )
        elif change == "registry":
            con.execute(f"insert into {warehouse.META}.districts (district_id) values ('d2')")
        else:
            con.execute(
                f"insert into {warehouse.META}.validation_worksheets values "
                "('d1', 'students', null, null, 10, 5, 'd1.csv', 2)"
            )
    assert build_inputs.changed(before, build_inputs.fingerprint(db, project)) == changed


def _night(statuses: list[str]) -> NightReport:
    district = load_registry(REPO_ROOT / "districts.yml")[0]
    night = DistrictNight(district)
    for status in statuses:
        night.files.append(FileOutcome({"status": status, "file_name": "f.csv"}, None))
    return NightReport(nights=[night])


KEPT = {"night": {"run_id": "R1", "inputs": {"project": "p", "files": "f"}}, "results": []}
INPUTS = {"project": "p", "files": "f"}


def test_the_night_skips_only_with_nothing_new_and_nothing_changed():
    report = _night(["duplicate", "missing", "stale"])
    assert _skip_since(report, KEPT, INPUTS, force_build=False) == "R1"
    assert report.build_reason == "nothing new since run R1: build skipped, marts unchanged"


@pytest.mark.parametrize(
    "statuses, kept, inputs, force, reason",
    [
        (["loaded"], KEPT, INPUTS, False, "new tonight: "),
        (["held"], KEPT, INPUTS, False, "new tonight: "),
        (
            ["duplicate"],
            KEPT,
            {"project": "p2", "files": "f"},
            False,
            "changed since run R1: project",
        ),
        (["duplicate"], KEPT, INPUTS, True, "the whole night was asked for (--full)"),
        (["duplicate"], None, INPUTS, False, "no earlier build of a night to keep"),
        (["duplicate"], {"results": []}, INPUTS, False, "no earlier build of a night to keep"),
        (
            ["duplicate"],
            {**KEPT, "results": [{"name": "dim_student", "status": "error"}]},
            INPUTS,
            False,
            "the build of run R1 broke (dim_student)",
        ),
    ],
)
def test_the_night_builds_when_something_is_new_changed_forced_or_broken(
    statuses, kept, inputs, force, reason
):
    report = _night(statuses)
    assert _skip_since(report, kept, inputs, force_build=force) is None
    assert report.build_reason.startswith(reason)


UNIT_PASS = {"resource_type": "unit_test", "name": "u", "status": "pass"}


@pytest.mark.parametrize(
    "kept, inputs, since",
    [
        (
            {**KEPT, "night": {**KEPT["night"], "unit_tests_run_id": "R0"}, "results": [UNIT_PASS]},
            INPUTS,
            "R0",
        ),
        (
            {**KEPT, "night": {**KEPT["night"], "unit_tests_run_id": "R0"}, "results": [UNIT_PASS]},
            {**INPUTS, "project": "p2"},
            None,
        ),
        (
            {
                **KEPT,
                "night": {**KEPT["night"], "unit_tests_run_id": "R0"},
                "results": [{**UNIT_PASS, "status": "fail"}],
            },
            INPUTS,
            None,
        ),
        (KEPT, INPUTS, None),
    ],
)
def test_unit_tests_are_left_out_only_while_the_project_and_their_passes_hold(kept, inputs, since):
    assert _unit_tests_since(kept, inputs) == since
