"""One writer at a time, every run audited.

A run (nightly, ingest, build, release, purge) holds an exclusive lock on the work folder
for its whole length, starts by removing what a killed run left behind (scratch copies of
district files, DuckDB's spill files, dlt folders of earlier versions), and writes
`pathways_meta.run_log`: one row per district per run, one per run for dbt, and one for a
run refused because another held the lock. When the warehouse itself is locked, the row
waits in a pending file (no student data in it) and the next run moves it into the
warehouse.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest import warehouse
from ingest.paths import duckdb_path, work_dir
from ingest.privacy import owner_only, restrict

RUN_LOG_COLUMNS = (
    "run_id",
    "step",
    "district_id",
    "started_at",
    "ended_at",
    "status",
    "files_received",
    "files_loaded",
    "files_failed",
    "rows_loaded",
    "message",
    "pid",
    "command",
)


class RunLocked(RuntimeError):
    """Another run holds the work folder."""


@dataclass
class Run:
    command: str
    run_id: str = field(
        default_factory=lambda: datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
    )
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    pid: int = field(default_factory=os.getpid)

    def log_row(self, step: str, status: str, *, district_id: str | None = None, **values):
        row = dict.fromkeys(RUN_LOG_COLUMNS)
        row.update(
            run_id=self.run_id,
            step=step,
            district_id=district_id,
            started_at=self.started_at,
            ended_at=datetime.now(UTC),
            status=status,
            pid=self.pid,
            command=self.command,
        )
        row.update(values)
        return row


def scratch_root() -> Path:
    return work_dir() / "scratch"


def pending_log_file() -> Path:
    return work_dir() / "run_log.pending.jsonl"


def write_run_log(rows: list[dict], db_path: Path | None = None) -> None:
    """Into the warehouse; into the pending file when the warehouse cannot be opened."""
    if not rows:
        return
    try:
        with warehouse.connect(db_path or duckdb_path()) as con:
            con.execute(warehouse.META_DDL)
            _insert(con, rows)
    except duckdb.Error:
        pending_log_file().parent.mkdir(parents=True, exist_ok=True)
        with open(pending_log_file(), "a", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, default=str) + "\n")


def _insert(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    con.executemany(
        f"insert into {warehouse.META}.run_log ({', '.join(RUN_LOG_COLUMNS)}) "
        f"values ({', '.join('?' for _ in RUN_LOG_COLUMNS)})",
        [[row.get(c) for c in RUN_LOG_COLUMNS] for row in rows],
    )


def _flush_pending(db_path: Path) -> None:
    pending = pending_log_file()
    if not pending.exists():
        return
    rows = [json.loads(line) for line in pending.read_text(encoding="utf-8").splitlines() if line]
    with warehouse.connect(db_path) as con:
        con.execute(warehouse.META_DDL)
        _insert(con, rows)
    pending.unlink()


def remove_leftovers() -> None:
    """What a killed run left: scratch copies of district files, DuckDB's spill files, and
    the per-district dlt working folders of earlier versions (`<work dir>/dlt/pathways__*`,
    where the API path's dlt pipeline kept its load packages: plaintext student data that no
    version reads any more; the ingest now inserts in one transaction and leaves no package).
    Called with the lock held."""
    shutil.rmtree(scratch_root(), ignore_errors=True)
    warehouse.remove_spill_files()
    pipelines = work_dir() / "dlt"
    if pipelines.is_dir():
        for folder in pipelines.glob("pathways__*"):
            if folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)


def _holder(lock_file: Path) -> str:
    try:
        info = json.loads(lock_file.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    return (
        f"another run started at {info.get('started_at', 'an unknown time')}, "
        f"pid {info.get('pid', '?')} (`pathways {info.get('command', '?')}`), is still running"
    )


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)  # unwinds: scratch removed, lock released


@contextmanager
def exclusive_run(command: str, *, wait: float = 0, db_path: Path | None = None) -> Iterator[Run]:
    """Hold the run lock for the block. `wait` seconds to wait for another run to finish;
    then RunLocked, recorded in the run log, with who holds the lock."""
    owner_only()
    work = work_dir()
    work.mkdir(parents=True, exist_ok=True)
    restrict(work)
    db_path = db_path or duckdb_path()
    run = Run(command)
    lock_file = work / "run.lock"
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + max(wait, 0)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                message = (
                    f"{_holder(lock_file)}; this run (`pathways {command}`) did nothing. Wait "
                    "for it, or run again with --wait SECONDS"
                )
                write_run_log([run.log_row("lock", "locked", message=message)], db_path)
                raise RunLocked(message) from None
            time.sleep(min(1.0, max(deadline - time.monotonic(), 0.05)))
    previous_handler = None
    if threading.current_thread() is threading.main_thread():
        previous_handler = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(
            fd,
            json.dumps(
                {"pid": run.pid, "started_at": run.started_at.isoformat(), "command": command}
            ).encode(),
            0,
        )
        remove_leftovers()
        for path in (db_path, db_path.with_name(db_path.name + ".wal")):
            restrict(path)  # the warehouse may live outside the work folder
        _flush_pending(db_path)
        yield run
    finally:
        shutil.rmtree(scratch_root(), ignore_errors=True)
        warehouse.remove_spill_files()
        if previous_handler is not None:
            signal.signal(signal.SIGTERM, previous_handler)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
