"""The PowerSchool source against the PowerSchool emulator and a real DuckDB file.

Every test serves synthetic records (`api_records`) through the emulator (a real HTTP server
on 127.0.0.1 reading the plugin zip the project generates) and ingests the demo district
`prairie_creek_schools` the way the night does (`ingest_district`), then asserts on what
landed: raw rows, lineage columns, manifest rows, run log. Timeouts, backoffs and the time a
dataset may take are shortened through dlt's configuration (`SOURCES__POWERSCHOOL__*`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import dlt
import duckdb
import pytest

from ingest import warehouse
from ingest.declarations import LINEAGE_COLUMNS
from ingest.demo import serve_districts, write_night
from ingest.night import NightReport, ingest_districts
from ingest.paths import REPO_ROOT
from ingest.pipeline import ingest_district
from ingest.powerschool import powerschool
from ingest.powerschool.plugin import write_plugin_zip
from ingest.powerschool.queries import load_queries
from ingest.registry import load_registry
from ingest.simulation.generators.powerschool import api_records
from ingest.simulation.powerschool_server import Fault, PowerSchoolEmulator
from ingest.transfer import TransferError

pytestmark = pytest.mark.integration

NIGHT = date(2026, 11, 27)
DISTRICT_ID = "prairie_creek_schools"
PREFIX = f"DISTRICTS__{DISTRICT_ID.upper()}__TRANSFER__"
SECRET = "test-secret-not-for-logs"
PAGE = 10  # the emulator's maximum page size in these tests
QUERIES = load_queries()
# as the file path has them (and the dlt load had them): _district_id, _source_file,
# _file_sha256, _row_number, _loaded_at, _dlt_load_id
LINEAGE_TYPES = ["VARCHAR"] * 3 + ["BIGINT", "TIMESTAMP WITH TIME ZONE", "VARCHAR"]
STUDENTS, STAFF, GRADES = (QUERIES[d] for d in ("students", "staff", "grades"))
FAST = {
    "REQUEST_TIMEOUT": "0.5",
    "MAX_ATTEMPTS": "4",
    "BACKOFF_FACTOR": "0.05",
    "MAX_RETRY_DELAY": "2",
    "DATASET_SECONDS": "6",
}


@pytest.fixture(scope="module")
def district():
    return next(d for d in load_registry() if d.id == DISTRICT_ID)


@pytest.fixture(scope="module")
def records(district) -> dict[str, list[dict]]:
    return api_records(district, NIGHT, students=20).records


@pytest.fixture(scope="module")
def plugin(tmp_path_factory) -> Path:
    return write_plugin_zip(tmp_path_factory.mktemp("plugin") / "pathways_plugin.zip")


@pytest.fixture(autouse=True)
def fast_settings(monkeypatch):
    for key, value in FAST.items():
        monkeypatch.setenv(f"SOURCES__POWERSCHOOL__{key}", value)
    monkeypatch.setenv(PREFIX + "CLIENT_SECRET", SECRET)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "pathways.duckdb"


@contextmanager
def serve(plugin: Path, records, monkeypatch, secret: str = SECRET, **kwargs):
    """The emulator on 127.0.0.1, the district's base_url pointed at it (as the demo does)."""
    emu = PowerSchoolEmulator(
        plugin, records, "pathways-prairie-creek", secret, max_page_size=PAGE, **kwargs
    )
    with emu:
        monkeypatch.setenv(PREFIX + "BASE_URL", emu.base_url)
        yield emu


def only(*datasets: str) -> dict:
    return {d: QUERIES[d] for d in datasets}


def ingest(district, db: Path, queries: dict | None = None):
    """One night of the district, through the night's entry point (restricted to some
    datasets to keep the tests short)."""
    from ingest.api_pipeline import ingest_api_district

    if queries is None:
        return ingest_district(district, db_path=db)
    return ingest_api_district(district, db_path=db, keep_loads=7, queries=queries)


def by_dataset(night) -> dict:
    return {f.entry["dataset"]: f.entry for f in night.files}


def raw_rows(db: Path, dataset: str, load_id: str | None = None) -> list[tuple]:
    columns = ", ".join(f'"{c}"' for c in QUERIES[dataset].raw_columns)
    where = "where _dlt_load_id = ?" if load_id else ""
    with duckdb.connect(str(db), read_only=True) as con:
        return sorted(
            con.execute(
                f"select {columns} from raw_powerschool.{dataset} {where}",
                [load_id] if load_id else [],
            ).fetchall()
        )


def expected_rows(records, dataset: str) -> list[tuple]:
    """What the raw table must hold (sorted: the server's order is its SQL's `order_by`)."""
    query = QUERIES[dataset]
    return sorted(tuple(r.get(c.field, "") for c in query.columns) for r in records[query.name])


def latest_good(db: Path, dataset: str):
    with warehouse.connect(db) as con:
        return warehouse.latest_loaded(con, DISTRICT_ID, dataset, "powerschool")


def pages_asked(emu, query) -> list[int]:
    path = f"/ws/schema/query/{query.name}"
    return [r.page for r in emu.requests if r.path == path and r.status == 200]


# --- a good night, then the same night again ---------------------------------------------


def test_good_night_lands_every_dataset_with_lineage_then_a_duplicate(
    district, records, plugin, db, monkeypatch
):
    with serve(plugin, records, monkeypatch) as emu:
        first = ingest(district, db)
        second = ingest(district, db)
    entries = by_dataset(first)
    assert set(entries) == set(QUERIES)
    assert first.status == "ok", [e["reason"] for e in entries.values()]
    with duckdb.connect(str(db), read_only=True) as con:
        for dataset, query in QUERIES.items():
            entry = entries[dataset]
            n = len(records[query.name])
            pages = -(-n // PAGE)
            assert entry["status"] == "loaded"
            assert entry["file_name"] == f"{query.name} pages 1-{pages}"
            assert (entry["data_lines"], entry["rows_loaded"]) == (n, n)
            assert len(entry["file_sha256"]) == 64
            assert entry["load_id"] == first.load_id
            # nested and flattened records alike land as their declared aliases, as text
            assert raw_rows(db, dataset) == expected_rows(records, dataset)
            lineage = con.execute(
                "select distinct _district_id, _source_file, _file_sha256, _dlt_load_id, "
                "min(_row_number) over (), max(_row_number) over (), "
                "count(_loaded_at) over () "
                f"from raw_powerschool.{dataset}"
            ).fetchall()
            assert lineage == [
                (DISTRICT_ID, entry["file_name"], entry["file_sha256"], first.load_id, 1, n, n)
            ]
            # every row numbered once, 1..n, and a load id of dlt's format (freshness reads it)
            numbers, seconds = con.execute(
                "select count(distinct _row_number), min(cast(_dlt_load_id as double)) "
                f"from raw_powerschool.{dataset}"
            ).fetchone()
            assert numbers == n and seconds > 1.7e9
            types = dict(
                con.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = 'raw_powerschool' and table_name = ? "
                    "order by ordinal_position",
                    [dataset],
                ).fetchall()
            )
            assert list(types) == [*query.raw_columns, *LINEAGE_COLUMNS]
            assert {types[c] for c in query.raw_columns} == {"VARCHAR"}
            assert [types[c] for c in LINEAGE_COLUMNS] == LINEAGE_TYPES
        # the rows are inserted by DuckDB: no dlt bookkeeping tables
        assert not con.execute(
            "select * from information_schema.tables where starts_with(table_name, '_dlt')"
        ).fetchall()
        manifest = con.execute(
            "select dataset, status, file_name from pathways_meta.file_manifest "
            "where district_id = ? and received_at = (select max(received_at) "
            "from pathways_meta.file_manifest) order by dataset",
            [DISTRICT_ID],
        ).fetchall()
    assert {s for _, s, _ in manifest} == {"duplicate"}, manifest
    assert [f.status for f in second.files] == ["duplicate"] * len(QUERIES)
    assert second.load_id is None
    # leading zeros kept, accents kept
    students = raw_rows(db, "students")
    assert any(
        r[QUERIES["students"].raw_columns.index("student_number")][0] == "0" for r in students
    )
    # the client used the metadata's page size and the POST body {}
    assert set(pages_asked(emu, STUDENTS)) == set(range(1, -(-20 // PAGE) + 2))


# --- credentials ---------------------------------------------------------------------------


def test_a_wrong_secret_fails_the_district_cleanly_and_the_night_goes_on(
    district, records, plugin, db, monkeypatch
):
    with serve(plugin, records, monkeypatch, secret="the-right-one"):
        with pytest.raises(TransferError) as failed:
            ingest(district, db)
        report = NightReport()
        ingest_districts([district], db, report)
    message = str(failed.value)
    assert f"district {DISTRICT_ID}" in message
    assert "401" in message and PREFIX + "CLIENT_SECRET" in message
    assert "yesterday's data stays" in message
    assert SECRET not in message and "the-right-one" not in message
    assert DISTRICT_ID in report.district_errors
    with duckdb.connect(str(db), read_only=True) as con:
        logged = con.execute(
            "select status, message from pathways_meta.run_log where district_id = ?",
            [DISTRICT_ID],
        ).fetchall()
    assert logged and logged[0][0] == "failed" and "401" in logged[0][1]


def test_a_missing_secret_names_the_setting(district, db, monkeypatch):
    monkeypatch.delenv(PREFIX + "CLIENT_SECRET")
    monkeypatch.setenv(PREFIX + "BASE_URL", "http://127.0.0.1:9")
    with pytest.raises(TransferError, match=PREFIX + "CLIENT_SECRET"):
        ingest(district, db)


def test_a_server_that_is_down_fails_the_district_within_its_retries(district, db, monkeypatch):
    monkeypatch.setenv(PREFIX + "BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    started = time.monotonic()
    with pytest.raises(TransferError) as failed:
        ingest(district, db)
    assert time.monotonic() - started < float(FAST["DATASET_SECONDS"]) + 2
    message = str(failed.value)
    assert f"district {DISTRICT_ID}: PowerSchool at http://127.0.0.1:9/" in message
    assert "unreachable" in message and "yesterday's data stays" in message


def test_expired_tokens_are_renewed(district, records, plugin, db, monkeypatch):
    # tokens live one second: pages wait for a renewal, and every token issued before the
    # night is expired by the server
    with serve(plugin, records, monkeypatch, token_seconds=1) as emu:
        emu.expire_tokens()
        emu.faults.append(Fault("stall", query=STUDENTS.name, page=2, seconds=0.3))
        night = ingest(district, db, only("students", "staff"))
        time.sleep(1.1)
        again = ingest(district, db, only("students"))
    assert [f.status for f in night.files] == ["loaded", "loaded"]
    assert [f.status for f in again.files] == ["duplicate"]
    tokens = [r for r in emu.requests if r.path == "/oauth/access_token" and r.status == 200]
    assert len(tokens) >= 2


# --- page sizes ----------------------------------------------------------------------------


def test_exact_multiple_of_the_page_size_an_empty_result_and_one_record(
    district, records, plugin, db, monkeypatch
):
    served = dict(records)
    served[STUDENTS.name] = records[STUDENTS.name][: 2 * PAGE]  # exactly two pages
    served[GRADES.name] = []  # nothing
    served[STAFF.name] = records[STAFF.name][:1]  # one record
    with serve(plugin, served, monkeypatch) as emu:
        night = ingest(district, db, only("students", "grades", "staff"))
    entries = by_dataset(night)
    assert {d: e["status"] for d, e in entries.items()} == dict.fromkeys(entries, "loaded")
    assert entries["students"]["file_name"] == f"{STUDENTS.name} pages 1-2"
    assert entries["students"]["rows_loaded"] == 2 * PAGE
    assert pages_asked(emu, STUDENTS) == [1, 2, 3]  # the third, empty, ends the paging
    assert entries["grades"]["file_name"] == f"{GRADES.name} no records"
    assert (entries["grades"]["data_lines"], entries["grades"]["rows_loaded"]) == (0, 0)
    assert pages_asked(emu, GRADES) == [1]
    assert entries["staff"]["file_name"] == f"{STAFF.name} pages 1-1"
    assert raw_rows(db, "staff") == expected_rows(served, "staff")
    assert raw_rows(db, "grades") == []


def test_pages_are_decoded_by_orjson(district, records, plugin, db, monkeypatch):
    """Every page goes through the orjson hook: requests' own decoding (Response.json) is only
    the fallback for what orjson refuses, and a well-formed night has none of that."""
    import requests

    decoded_by_requests: list[str] = []
    requests_json = requests.Response.json

    def counting_json(response, **options):
        decoded_by_requests.append(response.url)
        return requests_json(response, **options)

    monkeypatch.setattr(requests.Response, "json", counting_json)
    with serve(plugin, records, monkeypatch):
        night = ingest(district, db, only("students"))
    assert by_dataset(night)["students"]["rows_loaded"] == len(records[STUDENTS.name])
    assert decoded_by_requests == []


# --- faults that end in a complete load ----------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        Fault("rate_limit", query=STUDENTS.name, page=2, seconds=1),
        Fault("unavailable", query=STUDENTS.name, page=2, times=2),
        Fault("stall", query=STUDENTS.name, page=2, seconds=1.5),  # beyond the 0.5 s timeout
        Fault("drop", query=STUDENTS.name, page=2),
        Fault("expire_token", query=STUDENTS.name, page=2),
        Fault("unavailable", query=STUDENTS.name),  # the /count itself
    ],
    ids=["429-retry-after", "503", "stall", "drop", "token-expires-mid-paging", "503-count"],
)
def test_faults_that_pass_end_in_a_complete_load(fault, district, records, plugin, db, monkeypatch):
    started = time.monotonic()
    with serve(plugin, records, monkeypatch) as emu:
        emu.faults.append(replace(fault))  # the emulator consumes it
        night = ingest(district, db, only("students"))
        took = time.monotonic() - started
        waited = time.monotonic() + 3  # a stalled answer is logged once its sleep is over
        while not any(r.fault == fault.kind for r in emu.requests) and time.monotonic() < waited:
            time.sleep(0.05)
    entry = by_dataset(night)["students"]
    assert entry["status"] == "loaded", entry["reason"]
    assert raw_rows(db, "students") == expected_rows(records, "students")
    assert entry["file_name"] == f"{STUDENTS.name} pages 1-2"
    faulted = [r for r in emu.requests if r.fault == fault.kind]
    assert faulted, "the fault was served"
    if fault.kind == "rate_limit":
        assert took >= 1.0  # Retry-After: 1 was honoured
        assert faulted[0].status == 429
    if fault.kind == "expire_token":
        assert faulted[0].status == 401
        tokens = [r for r in emu.requests if r.path == "/oauth/access_token"]
        assert len(tokens) == 2  # one at the start, one after the 401


# --- faults that reject a dataset and keep yesterday's data ---------------------------------


def _changed(records) -> dict:
    """The next night: every dataset with one record changed, so each is new content."""
    out = json.loads(json.dumps(records))
    for query in QUERIES.values():
        if out[query.name]:
            first = out[query.name][0]
            field = query.columns[-1].field
            first[field] = (first.get(field) or "") + "0"
    return out


def test_count_mismatch_and_persistent_503_reject_only_their_dataset(
    district, records, plugin, db, monkeypatch
):
    with serve(plugin, records, monkeypatch):
        first = ingest(district, db)
    assert first.status == "ok"
    yesterday = {d: latest_good(db, d) for d in ("students", "grades")}
    students_before = raw_rows(db, "students")

    started = time.monotonic()
    with serve(plugin, _changed(records), monkeypatch) as emu:
        emu.faults.append(Fault("count_mismatch", query=STUDENTS.name, delta=1))
        emu.faults.append(Fault("unavailable", query=GRADES.name, page=2, times=1000))
        second = ingest(district, db)
    took = time.monotonic() - started
    assert took < 2 * float(FAST["DATASET_SECONDS"]) + 10  # bounded, not hours
    entries = by_dataset(second)
    assert entries["students"]["status"] == "rejected"
    assert "/count said 21" in entries["students"]["reason"]
    assert f"district {DISTRICT_ID}, dataset students" in entries["students"]["reason"]
    assert "yesterday's data stays" in entries["students"]["reason"]
    assert entries["grades"]["status"] == "rejected"
    assert "HTTP 503" in entries["grades"]["reason"] and "page 2" in entries["grades"]["reason"]
    assert {entries[d]["status"] for d in entries if d not in ("students", "grades")} == {"loaded"}
    assert second.status == "incomplete"
    # yesterday's loads are still the latest good ones, and nothing of tonight's landed
    for dataset, good in yesterday.items():
        assert latest_good(db, dataset) == good
        assert entries[dataset]["load_id"] is None
        assert raw_rows(db, dataset, second.load_id) == []
    assert raw_rows(db, "students") == students_before


def manifest(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select dataset, file_sha256, status, load_id from pathways_meta.file_manifest "
            "order by all"
        ).fetchall()


def all_raw_rows(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            d: sorted(con.execute(f"select * from raw_powerschool.{d}").fetchall()) for d in QUERIES
        }


def test_a_failed_insert_rejects_the_night_and_keeps_yesterdays_rows(
    district, records, plugin, db, monkeypatch
):
    """The rows and the manifest are one transaction: an insert that fails after some
    datasets' rows went in leaves none of tonight's rows and no `loaded` entry."""
    with serve(plugin, records, monkeypatch):
        first = ingest(district, db)
    assert first.status == "ok"
    yesterday = {d: latest_good(db, d) for d in QUERIES}
    before = all_raw_rows(db)

    real, calls = warehouse.insert_rows, []

    def failing(con, table, rows, **lineage):
        calls.append(table.dataset)
        real(con, table, rows, **lineage)  # rows in, then the load fails
        if len(calls) == 3:
            raise duckdb.IOException("disk full")

    monkeypatch.setattr(warehouse, "insert_rows", failing)
    changed = _changed(records)
    with serve(plugin, changed, monkeypatch):
        second = ingest(district, db)
    assert len(calls) == 3
    entries = by_dataset(second)
    assert {e["status"] for e in entries.values()} == {"rejected"}
    assert second.load_id is None and second.status != "ok"
    for dataset, entry in entries.items():
        reason = entry["reason"]
        assert reason.startswith(f"district {DISTRICT_ID}, dataset {dataset}: the load into ")
        assert "the warehouse failed (IOException" in reason and "yesterday's data stays" in reason
        assert "disk full" not in reason  # the error's text is never quoted
        assert (entry["load_id"], entry["rows_loaded"]) == (None, 0)
        assert latest_good(db, dataset) == yesterday[dataset]
    served = {v for rows in changed.values() for r in rows for v in r.values() if v}
    assert not {v for e in entries.values() for v in served if len(v) > 3 and v in e["reason"]}
    assert all_raw_rows(db) == before
    with duckdb.connect(str(db), read_only=True) as con:
        recorded = con.execute(
            "select status, count(*) from pathways_meta.file_manifest "
            "where load_id is null group by all"
        ).fetchall()
    assert recorded == [("rejected", len(QUERIES))]

    monkeypatch.setattr(warehouse, "insert_rows", real)
    with serve(plugin, changed, monkeypatch):
        third = ingest(district, db)  # read again on the next run
    assert {f.status for f in third.files} == {"loaded"}
    assert raw_rows(db, "students", third.load_id) == expected_rows(changed, "students")


KILLED = """
import os, signal, sys
from pathlib import Path

from ingest import warehouse
from ingest.api_pipeline import ingest_api_district
from ingest.registry import load_registry



def killed(*args, **kwargs):  # the rows are in, the manifest is being written: killed
    os.kill(os.getpid(), signal.SIGKILL)


warehouse.record_files = killed
district = next(d for d in load_registry() if d.id == sys.argv[2])
ingest_api_district(district, db_path=Path(sys.argv[1]), keep_loads=7)
"""


def test_a_night_killed_during_its_load_leaves_nothing_half_loaded(
    district, records, plugin, db, monkeypatch, tmp_path
):
    with serve(plugin, records, monkeypatch):
        ingest(district, db)
    before, entries_before = all_raw_rows(db), manifest(db)
    changed = _changed(records)
    with serve(plugin, changed, monkeypatch):
        env = os.environ | {"PYTHONPATH": str(REPO_ROOT), "PATHWAYS_WORK_DIR": str(tmp_path)}
        killed = subprocess.run(
            [sys.executable, "-c", KILLED, str(db), DISTRICT_ID],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
        assert all_raw_rows(db) == before  # no row of the killed night
        assert manifest(db) == entries_before  # and no entry
        night = ingest(district, db)  # the next night loads it whole
    assert {f.status for f in night.files} == {"loaded"}
    for dataset in QUERIES:
        assert raw_rows(db, dataset, night.load_id) == expected_rows(changed, dataset)


def test_a_row_count_drop_is_held(district, records, plugin, db, monkeypatch):
    with serve(plugin, records, monkeypatch):
        ingest(district, db, only("students"))
    fewer = dict(records)
    fewer[STUDENTS.name] = records[STUDENTS.name][:10]
    with serve(plugin, fewer, monkeypatch):
        night = ingest(district, db, only("students"))
    entry = by_dataset(night)["students"]
    assert entry["status"] == "held"
    assert "pathways release --district prairie_creek_schools" in entry["reason"]
    assert len(raw_rows(db, "students", night.load_id)) == 10  # there, for a person's release


# --- the dlt source on its own -------------------------------------------------------------


def test_the_dlt_source_loads_on_its_own(records, plugin, tmp_path, monkeypatch):
    with serve(plugin, records, monkeypatch) as emu:
        pipeline = dlt.pipeline(
            pipeline_name="powerschool_alone",
            destination=dlt.destinations.duckdb(str(tmp_path / "alone.duckdb")),
            dataset_name="raw_powerschool",
            pipelines_dir=str(tmp_path / "dlt"),
        )
        source = powerschool(
            emu.base_url, "pathways-prairie-creek", SECRET, district_id="alone"
        ).with_resources("staff", "gpa")
        pipeline.run(source, loader_file_format="parquet")
    with duckdb.connect(str(tmp_path / "alone.duckdb"), read_only=True) as con:
        for dataset in ("staff", "gpa"):
            n = con.execute(f"select count(*) from raw_powerschool.{dataset}").fetchone()[0]
            assert n == len(records[QUERIES[dataset].name])


# --- the demo's and the shared night's wiring ----------------------------------------------


def test_the_demo_serves_the_district_through_an_emulator(district, tmp_path, db, monkeypatch):
    """write_night + serve_districts (the demo, tests/integration/conftest.py): the records
    written for the night are served by an emulator with a generated client secret handed
    over by environment; the night's ingest loads every dataset."""
    monkeypatch.delenv(PREFIX + "CLIENT_SECRET")
    generated = write_night([district], tmp_path / "sftp", NIGHT, students=15)
    with serve_districts([district], tmp_path / "sftp", tmp_path / "servers") as servers:
        assert servers[DISTRICT_ID].kind == "powerschool-emulator"
        report = NightReport()
        ingest_districts([district], db, report)
    assert PREFIX + "CLIENT_SECRET" not in os.environ  # handed over for the duration only
    assert not report.district_errors
    (night,) = report.nights
    entries = by_dataset(night)
    assert {e["status"] for e in entries.values()} == {"loaded"}
    assert {d: e["rows_loaded"] for d, e in entries.items()} == generated[DISTRICT_ID].rows
