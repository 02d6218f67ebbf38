"""Ingest speed against DuckDB alone, on the same big Skyward SMS grades file, in one run.

baseline : DuckDB `create table as select * from read_csv(...)` (all text, declared dialect)
ingest   : the real path for a local drop folder: copy, sha256, line count, header check,
           DuckDB parse -> Arrow (+ lineage) -> dlt parquet -> DuckDB, manifest
Each runs in a fresh process (peak memory is per step) against a fresh DuckDB file.
"""

from __future__ import annotations

import multiprocessing
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


def _ingest(folder: str, db_path: str, work: str, queue) -> None:
    import os

    os.environ["PATHWAYS_WORK_DIR"] = work
    from ingest.pipeline import ingest_district
    from ingest.registry import District

    district = District(
        id="benchmark",
        name="Benchmark",
        state="IN",
        state_district_id="0000",
        sis="skyward_sms",
        status="live",
        timezone="America/Chicago",
        transfer={"method": "local", "folder": folder},
    )
    start = time.perf_counter()
    night = ingest_district(district, db_path=Path(db_path))
    elapsed = time.perf_counter() - start
    grades = next(f for f in night.files if f.decl.dataset == "grades")
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


def run_benchmark(rows: int, scratch: Path | None = None) -> str:
    from ingest.simulation.benchmark_file import write_grades_file

    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        root = Path(tmp)
        (root / "drop").mkdir()
        csv_path = root / "drop" / "grades_20261128.csv"
        start = time.perf_counter()
        write_grades_file(csv_path, rows)
        generated = time.perf_counter() - start
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
