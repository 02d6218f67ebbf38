"""Ingest speed against a bare reference, in one run.

Files, on the same big Skyward SMS grades file, each side a fresh Python process timed from
its start to its exit (interpreter, imports and the database's close included), its peak
memory the child's own maximum resident set (wait4's rusage):
baseline : `python -c` that imports duckdb only and runs DuckDB's `create table as select *
           from read_csv(...)` (all text, declared dialect: readers.read_csv_sql) on a fresh
           database, then counts the rows
ingest   : the real nightly path for one local drop folder (pipeline.ingest_district): copy
           with sha256, encoding check and line count in the same pass, header check,
           duplicate check, DuckDB parse -> Arrow (+ row numbers) -> insert into the raw
           table with the other lineage columns, rejects, manifest, purge; one transaction
The PowerSchool API, on one big stored-grades PowerQuery served by the emulator (in its own
process, so it does not share the client's interpreter):
bare loop: the same HTTP client (requests) fetches the same pages (token, /count, every page
           until the empty one) and discards them after decoding the JSON
ingest   : the real nightly path (ingest/api_pipeline.py): the dlt REST client and
           paginator, records -> Arrow (+ row numbers) -> insert into the raw table with the
           other lineage columns, manifest, purge; one transaction
Each runs in a fresh process (peak memory is per step) against a fresh DuckDB file; the API
steps are timed inside their process (after imports).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ingest.paths import REPO_ROOT

BASELINE = """
import json, sys
import duckdb
db, sql = sys.argv[1:]
with duckdb.connect(db) as con:
    con.execute(f"create table grades as {sql}")
    rows = con.execute("select count(*) from grades").fetchone()[0]
print(json.dumps({"rows": rows}))
"""

INGEST = """
import json, sys
from pathlib import Path
from ingest.benchmark import benchmark_district
from ingest.pipeline import ingest_district
folder, db = sys.argv[1:]
district = benchmark_district("skyward_sms", {"method": "local", "folder": folder})
night = ingest_district(district, db_path=Path(db))
grades = next(f for f in night.files if f.decl.dataset == "grades")
assert grades.status == "loaded", grades.entry["reason"]
print(json.dumps({"rows": grades.entry["rows_loaded"]}))
"""


@dataclass(frozen=True)
class Measured:
    seconds: float  # wall time from spawn to exit
    rows: int
    peak_mb: float  # the child's maximum resident set
    cpu_seconds: float  # user + system: less sensitive than wall time to other work


def _whole_process(code: str, *args: str, env: dict[str, str] | None = None) -> Measured:
    """Run `python -c code args` and measure it from spawn to exit. The child is reaped with
    wait4, whose rusage is that child's alone (RUSAGE_CHILDREN would be every child's max)."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **(env or {})}
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args], env=env, stdout=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    out = child.stdout.read()
    child.stdout.close()
    if child.returncode != 0:
        raise RuntimeError(f"benchmark step failed (exit {child.returncode})")
    rows = json.loads(out.strip().splitlines()[-1])["rows"]
    return Measured(seconds, rows, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def benchmark_district(sis: str, transfer: dict):
    """The benchmark's one district (imported in the child, after PATHWAYS_WORK_DIR is set)."""
    from ingest.registry import District

    return District(
        id="benchmark",
        name="Benchmark",
        state="IN",
        state_district_id="0000",
        sis=sis,
        status="live",
        timezone="America/Chicago",
        transfer=transfer,
    )


API_PAGE_SIZE = 1000  # the emulator's maximum page size (metadata) for the API case
API_CLIENT = ("benchmark-client", "benchmark-secret")


def _serve_api(rows: int, plugin_zip: str, queue, stop) -> None:
    from ingest.simulation.benchmark_file import stored_grades_records
    from ingest.simulation.powerschool_server import PowerSchoolEmulator

    records = {"com.pathways.sis.grades": stored_grades_records(rows)}
    emulator = PowerSchoolEmulator(
        Path(plugin_zip), records, *API_CLIENT, max_page_size=API_PAGE_SIZE
    )
    with emulator:
        queue.put(emulator.base_url)
        stop.wait()


def _api_bare_loop(base_url: str, queue) -> None:
    import requests

    start = time.perf_counter()
    with requests.Session() as session:
        token = session.post(
            f"{base_url}/oauth/access_token",
            auth=API_CLIENT,
            data={"grant_type": "client_credentials"},
        ).json()["access_token"]
        session.headers["Authorization"] = f"Bearer {token}"
        session.get(f"{base_url}/ws/v1/metadata").raise_for_status()
        query = f"{base_url}/ws/schema/query/com.pathways.sis.grades"
        count = session.post(f"{query}/count", json={}).json()["count"]
        rows, page = 0, 1
        while True:
            answer = session.post(query, params={"page": page, "pagesize": API_PAGE_SIZE}, json={})
            answer.raise_for_status()
            records = answer.json().get("record") or []
            if not records:
                break
            rows, page = rows + len(records), page + 1
    assert rows == count, (rows, count)
    queue.put((time.perf_counter() - start, rows, _peak_mb()))


def _api_ingest(base_url: str, db_path: str, work: str, queue) -> None:
    import os

    os.environ["PATHWAYS_WORK_DIR"] = work
    os.environ["DISTRICTS__BENCHMARK__TRANSFER__CLIENT_SECRET"] = API_CLIENT[1]
    from ingest.api_pipeline import ingest_api_district
    from ingest.powerschool.queries import load_queries

    transfer = {"method": "powerschool_api", "base_url": base_url, "client_id": API_CLIENT[0]}
    district = benchmark_district("powerschool", transfer)
    queries = {"grades": load_queries()["grades"]}
    start = time.perf_counter()
    night = ingest_api_district(district, db_path=Path(db_path), keep_loads=7, queries=queries)
    elapsed = time.perf_counter() - start
    (grades,) = night.files
    assert grades.status == "loaded", grades.entry["reason"]
    queue.put((elapsed, grades.entry["rows_loaded"], _peak_mb()))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_child(target, *args):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def run_api_benchmark(rows: int, scratch: Path | None = None) -> str:
    from ingest.powerschool.plugin import write_plugin_zip

    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        root = Path(tmp)
        plugin = write_plugin_zip(root / "plugin.zip")
        served, stop = ctx.Queue(), ctx.Event()
        server = ctx.Process(target=_serve_api, args=(rows, str(plugin), served, stop))
        server.start()
        try:
            base_url = served.get(timeout=600)
            bare_s, bare_rows, bare_mb = _in_child(_api_bare_loop, base_url)
            ing_s, ing_rows, ing_mb = _in_child(
                _api_ingest, base_url, str(root / "api.duckdb"), str(root / "work")
            )
        finally:
            stop.set()
            server.join()
    return "\n".join(
        [
            f"PowerSchool stored grades: {rows:,} records, pages of {API_PAGE_SIZE:,} "
            "(emulator in its own process)",
            f"bare HTTP loop (requests): {bare_s:6.2f} s  {bare_rows:>10,} rows  "
            f"peak {bare_mb:,.0f} MB",
            f"pathways API ingest      : {ing_s:6.2f} s  {ing_rows:>10,} rows  "
            f"peak {ing_mb:,.0f} MB",
            f"ratio ingest / bare loop : {ing_s / bare_s:6.2f}x",
        ]
    )


def run_benchmark(rows: int, scratch: Path | None = None, repeat: int = 1) -> str:
    """The file case. With `repeat`, each side runs that many times (alternating) and its
    fastest run is shown, which filters out other work on the machine."""
    from ingest.declarations import declarations_for
    from ingest.readers import read_csv_sql
    from ingest.simulation.benchmark_file import write_grades_file

    decl = next(d for d in declarations_for("skyward_sms") if d.dataset == "grades")
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        root = Path(tmp)
        (root / "drop").mkdir()
        csv_path = root / "drop" / "grades_20261128.csv"
        start = time.perf_counter()
        write_grades_file(csv_path, rows)
        generated = time.perf_counter() - start
        # dropped an hour ago: the ingest's stability wait (guards.stable_seconds) is for
        # files still being written, and is not what the benchmark measures
        an_hour_ago = time.time() - 3600
        os.utime(csv_path, (an_hour_ago, an_hour_ago))
        size_mb = csv_path.stat().st_size / 1e6
        sql = read_csv_sql(csv_path, decl)
        bases, ours = [], []
        for run in range(repeat):
            base_db, ingest_db = root / f"base{run}.duckdb", root / f"ingest{run}.duckdb"
            bases.append(_whole_process(BASELINE, str(base_db), sql))
            ours.append(
                _whole_process(
                    INGEST,
                    str(root / "drop"),
                    str(ingest_db),
                    env={"PATHWAYS_WORK_DIR": str(root / f"work{run}")},
                )
            )
            for db in (base_db, ingest_db):  # 2 x the file's size on disk otherwise
                db.unlink()
    base = min(bases, key=lambda m: m.seconds)
    ing = min(ours, key=lambda m: m.seconds)
    runs = f", fastest of {repeat}" if repeat > 1 else ""
    return "\n".join(
        [
            f"grades file: {rows:,} rows, {size_mb:,.0f} MB (generated in {generated:.1f} s)",
            f"each side a fresh process, spawn to exit{runs}:",
            f"DuckDB read_csv -> table : {base.seconds:6.2f} s  {base.rows:>10,} rows  "
            f"peak {base.peak_mb:,.0f} MB  cpu {base.cpu_seconds:.2f} s",
            f"pathways ingest          : {ing.seconds:6.2f} s  {ing.rows:>10,} rows  "
            f"peak {ing.peak_mb:,.0f} MB  cpu {ing.cpu_seconds:.2f} s",
            f"ratio ingest / DuckDB    : {ing.seconds / base.seconds:6.2f}x time  "
            f"{ing.peak_mb / base.peak_mb:6.2f}x peak memory",
        ]
    )
