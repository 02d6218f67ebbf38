"""Ingest speed against a bare reference, in one run.

Files, on the same big Skyward SMS grades file:
baseline : DuckDB `create table as select * from read_csv(...)` (all text, declared dialect)
ingest   : the real path for a local drop folder: copy, sha256, line count, header check,
           DuckDB parse -> Arrow (+ lineage) -> dlt parquet -> DuckDB, manifest
The PowerSchool API, on one big stored-grades PowerQuery served by the emulator (in its own
process, so it does not share the client's interpreter):
bare loop: the same HTTP client (requests) fetches the same pages (token, /count, every page
           until the empty one) and discards them after decoding the JSON
ingest   : the real nightly path (ingest/api_pipeline.py): the dlt REST client and
           paginator, records -> Arrow (+ lineage) -> dlt parquet -> DuckDB, manifest
Each runs in a fresh process (peak memory is per step) against a fresh DuckDB file.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import tempfile
import time
from pathlib import Path


def _baseline(csv_path: str, db_path: str, queue) -> None:
    import duckdb

    from ingest.declarations import declarations_for
    from ingest.readers import read_csv_sql

    decl = next(d for d in declarations_for("skyward_sms") if d.dataset == "grades")
    start = time.perf_counter()
    with duckdb.connect(db_path) as con:
        con.execute(f"create table grades as {read_csv_sql(Path(csv_path), decl)}")
        rows = con.execute("select count(*) from grades").fetchone()[0]
    queue.put((time.perf_counter() - start, rows, _peak_mb()))


def _district(sis: str, transfer: dict):
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


def _ingest(folder: str, db_path: str, work: str, queue) -> None:
    import os

    os.environ["PATHWAYS_WORK_DIR"] = work
    from ingest.pipeline import ingest_district

    district = _district("skyward_sms", {"method": "local", "folder": folder})
    start = time.perf_counter()
    night = ingest_district(district, db_path=Path(db_path))
    elapsed = time.perf_counter() - start
    grades = next(f for f in night.files if f.decl.dataset == "grades")
    queue.put((elapsed, grades.entry["rows_loaded"], _peak_mb()))


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
    district = _district("powerschool", transfer)
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


def run_benchmark(rows: int, scratch: Path | None = None) -> str:
    from ingest.simulation.benchmark_file import write_grades_file

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
        base_s, base_rows, base_mb = _in_child(_baseline, str(csv_path), str(root / "base.duckdb"))
        ing_s, ing_rows, ing_mb = _in_child(
            _ingest, str(root / "drop"), str(root / "ingest.duckdb"), str(root / "work")
        )
    return "\n".join(
        [
            f"grades file: {rows:,} rows, {size_mb:,.0f} MB (generated in {generated:.1f} s)",
            f"DuckDB read_csv -> table : {base_s:6.2f} s  {base_rows:>10,} rows  "
            f"peak {base_mb:,.0f} MB",
            f"pathways ingest          : {ing_s:6.2f} s  {ing_rows:>10,} rows  "
            f"peak {ing_mb:,.0f} MB",
            f"ratio ingest / DuckDB    : {ing_s / base_s:6.2f}x",
        ]
    )
