"""Skyward SMS end to end: synthetic districts on a real SFTP server on 127.0.0.1 (OpenSSH
sshd when installed), ingest into the real DuckDB file, dbt build, assertions on the marts.

The nights are played once per test session, together with the other SIS's, against one
warehouse (tests/integration/conftest.py); this module says what Skyward SMS sends each night
and records what each left behind:
  night 1  a clean night                          -> every generated row is in the marts
  night 2  the same files sent again              -> duplicates, nothing changes
  night 3  broken files (header, truncation, one bad row, a missing file)
           -> broken files rejected, yesterday's data stays, the bad row is reported
  night 4  `pathways nightly` on a corrupt manifest -> exits non-zero naming the failed test
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import duckdb
import pytest

from ingest.cli import main
from ingest.night import NightReport

pytestmark = pytest.mark.integration

SIS = "skyward_sms"
STUDENTS = 80  # per district: small enough for CI, large enough for every code path
DOCS = True  # night 1 generates the docs site


def _query(db: Path, sql: str, *params):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _raw_counts(db: Path) -> dict[tuple[str, str], int]:
    counts = {}
    for table in ("students", "course_crosswalk", "grades", "gpa", "ibc"):
        for district_id, n in _query(
            db, f"select _district_id, count(*) from raw_skyward_sms.{table} group by all"
        ):
            counts[(table, district_id)] = n
    return counts


def _statuses(report: NightReport) -> dict[tuple[str, str], tuple[str, str]]:
    return {
        (n.district.id, f.entry["dataset"]): (f.status, f.entry.get("reason") or "")
        for n in report.nights
        for f in n.files
    }


def _break_night(folder: Path) -> None:
    """Night 3: what really goes wrong with SIS exports."""
    (students,) = folder.glob("students_*.csv")
    raw = students.read_bytes()
    students.write_bytes(raw.replace(b"Grad Yr", b"Graduation Year", 1))  # layout changed
    (grades,) = folder.glob("grades_*.csv")
    raw = grades.read_bytes().rstrip(b"\r\n")
    grades.write_bytes(raw[: raw.rfind(b"\r\n") + 15])  # connection dropped mid-line
    (gpa,) = folder.glob("gpa_*.csv")
    raw = gpa.read_bytes().rstrip(b"\r\n")
    last = raw[raw.rfind(b"\r\n") + 2 :].split(b",")
    last[3] = b"1999"  # another school year keeps the row's key unique
    last[5], last[6] = b"7.5", b"4"  # GPA 7.5 on a 4-point scale
    gpa.write_bytes(raw + b"\r\n" + b",".join(last) + b"\r\n")
    for crosswalk in folder.glob("course_crosswalk_*.csv"):
        crosswalk.unlink()  # not sent tonight


def after_night(number: int, seen: dict) -> None:
    if number in (1, 2):
        seen[f"raw{number}"] = _raw_counts(seen["db"])
    if number == 1:
        seen["docs1"] = _docs_facts()


def _docs_facts() -> tuple[bool, int, list[str]]:
    """The docs site against the manifest.json it embeds: written after it, the number of
    models, and the models without compiled SQL."""
    target = Path(__file__).resolve().parents[2] / "dbt_project" / "target"
    static, manifest = target / "static_index.html", target / "manifest.json"
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    models = [n for n in nodes if n["resource_type"] == "model"]
    missing = [n["name"] for n in models if not n.get("compiled_code")]
    return static.stat().st_mtime >= manifest.stat().st_mtime, len(models), missing


def send_night(number: int, seen: dict) -> list:
    if number == 2:  # the same files, still on the servers, are sent again
        return seen["districts"]
    if number == 3:
        tx = next(d for d in seen["districts"] if d.state == "TX")
        _break_night(seen["generated"][tx.id].folder)
        seen["tx"] = tx
        return [tx]
    return []


def after_all(seen: dict) -> None:
    """Night 4: the bookkeeping itself is corrupt (a manifest status nobody knows), which an
    error-severity test catches: `pathways nightly` must fail and name it."""
    db, tx = seen["db"], seen["tx"]
    with duckdb.connect(str(db)) as con:
        con.execute(
            "insert into pathways_meta.file_manifest (district_id, sis, dataset, "
            "received_at, status) values (?, 'skyward_sms', 'students', now(), 'lost')",
            [tx.id],
        )
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        seen["nightly_exit"] = main(["--db", str(db), "nightly", "--district", tx.id])
    seen["nightly_stdout"], seen["nightly_stderr"] = out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def nights(demo_nights):
    """The nights above, played with every other selected SIS's (tests/integration/conftest.py)."""
    return demo_nights[SIS]


def test_served_by_openssh_when_installed(nights):
    from ingest.simulation.sftp_server import openssh_available

    assert nights["server_kinds"] == ({"openssh"} if openssh_available() else {"paramiko"})


def test_first_night_loads_every_file(nights):
    report = nights["night1"]
    assert not report.district_errors
    statuses = _statuses(report)
    for d in nights["districts"]:
        datasets = {ds for (did, ds) in statuses if did == d.id}
        expected = {"students", "course_crosswalk", "grades", "gpa"} | (
            {"ibc"} if d.state == "TX" else set()
        )
        if d.demo.get("users"):  # Users data: a platform file any district may send
            expected.add("users")
        assert datasets == expected
        for ds in datasets:
            assert statuses[(d.id, ds)][0] == "loaded", statuses[(d.id, ds)]


def test_marts_hold_every_generated_row(nights):
    report = nights["night1"]
    assert report.build.success and not report.build.errors, report.build.errors
    for district_id, generated in nights["generated"].items():
        got = report.mart_rows[district_id]
        for mart, rows in generated.expected_marts.items():
            assert got[mart] == rows, (district_id, mart, got[mart], rows)
        assert report.rejected_rows[district_id] == 0


def test_manifest_detects_each_encoding(nights):
    rows = _query(
        nights["db"],
        "select district_id, encoding, count(*) from pathways_meta.file_manifest "
        "where status = 'loaded' group by all",
    )
    encodings = {(d, e) for d, e, _ in rows}
    assert ("bluebonnet_isd", "utf-8-sig") in encodings
    assert ("hoosier_valley_schools", "windows-1252") in encodings


@pytest.mark.parametrize("district_id", ["bluebonnet_isd", "hoosier_valley_schools"])
def test_accented_names_survive_bom_and_windows_1252(nights, district_id):
    names = _query(
        nights["db"],
        "select first_name, last_name from marts.dim_student where district_id = ?",
        district_id,
    )
    assert ("José", "Peña") in names
    assert any("’" in last for _, last in names)  # cp1252 0x92, outside Latin-1


def test_row_numbers_are_lines_of_the_original_file(nights):
    db = nights["db"]
    # José Peña is every district's first student: line 2, under the header
    assert _query(
        db,
        "select _district_id, min(_row_number) from raw_skyward_sms.students "
        "where first_name = 'José' and last_name = 'Peña' group by all order by 1",
    ) == [("bluebonnet_isd", 2), ("hoosier_valley_schools", 2)]
    # the crosswalk has no header: its first record is line 1
    assert _query(db, "select min(_row_number) from raw_skyward_sms.course_crosswalk") == [(1,)]


def test_resent_night_changes_nothing(nights):
    statuses = _statuses(nights["night2"])
    assert statuses and {s for s, _ in statuses.values()} == {"duplicate"}
    assert nights["raw2"] == nights["raw1"]
    assert nights["night2"].mart_rows == nights["night1"].mart_rows


def test_bad_night_keeps_yesterdays_data(nights):
    tx = nights["tx"].id
    statuses = _statuses(nights["night3"])
    assert statuses[(tx, "students")][0] == "rejected"
    assert "header" in statuses[(tx, "students")][1]
    assert "Grad Yr" in statuses[(tx, "students")][1]
    assert statuses[(tx, "grades")][0] == "rejected"
    assert "truncated" in statuses[(tx, "grades")][1]
    assert statuses[(tx, "course_crosswalk")][0] == "missing"
    assert statuses[(tx, "gpa")][0] == "loaded"
    assert statuses[(tx, "ibc")][0] == "duplicate"
    before, after = nights["night1"].mart_rows[tx], nights["night3"].mart_rows[tx]
    assert after == before  # the bad GPA row is kept out; every other mart is yesterday's


def test_bad_row_is_reported_with_file_and_line(nights):
    tx = nights["tx"].id
    gpa_file = next(nights["generated"][tx].folder.glob("gpa_*.csv"))
    last_line = gpa_file.read_bytes().rstrip(b"\r\n").count(b"\n") + 1
    rejected = _query(
        nights["db"],
        "select source_file, row_number, reason from validation.rejected_rows "
        "where district_id = ? and dataset = 'gpa'",
        tx,
    )
    assert [(f, n) for f, n, _ in rejected] == [(gpa_file.name, last_line)]
    assert "gpa" in rejected[0][2].lower()
    assert nights["night3"].rejected_rows[tx] == 1


def test_docs_are_generated(nights):
    assert nights["night1"].docs.success
    target = Path(__file__).resolve().parents[2] / "dbt_project" / "target"
    assert (target / "index.html").is_file() and (target / "catalog.json").is_file()
    # night 1's docs (--no-compile after its build): the manifest they embed is the build's,
    # every model's compiled SQL in it
    written_after_build, models, not_compiled = nights["docs1"]
    assert written_after_build
    assert models > 90 and not_compiled == []


def test_nightly_fails_naming_the_error_severity_test(nights):
    assert nights["nightly_exit"] == 1
    stderr = nights["nightly_stderr"]
    assert "NIGHT FAILED" in stderr
    assert "accepted_values_pathways_meta_file_manifest_status" in stderr
    # the report still went out, and the warning-only findings did not fail the night
    assert "== bluebonnet_isd" in nights["nightly_stdout"]
