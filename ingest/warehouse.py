"""The DuckDB warehouse as the ingest sees it: bookkeeping tables in `pathways_meta`, raw
tables created up front (so dbt always finds every declared source), and housekeeping."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import duckdb

from ingest.declarations import LINEAGE_COLUMNS, FileDeclaration, load_declarations
from ingest.paths import work_dir
from ingest.powerschool.queries import load_queries
from ingest.registry import District

if TYPE_CHECKING:
    import pyarrow as pa

META = "pathways_meta"

META_DDL = f"""
create schema if not exists {META};
create table if not exists {META}.file_manifest (
    district_id varchar not null,
    sis varchar not null,
    dataset varchar not null,
    file_name varchar,
    remote_path varchar,
    size_bytes bigint,
    file_sha256 varchar,
    file_modified_at timestamptz,
    received_at timestamptz not null,
    load_id varchar,
    encoding varchar,
    delimiter varchar,
    data_lines bigint,
    rows_loaded bigint,
    rows_unparseable bigint,
    status varchar not null,
    reason varchar,
    file_date date,
    run_id varchar
);
-- columns added after the first release: an existing warehouse gains them on the next run
alter table {META}.file_manifest add column if not exists file_date date;
alter table {META}.file_manifest add column if not exists run_id varchar;
create table if not exists {META}.parse_rejects (
    district_id varchar not null,
    sis varchar not null,
    dataset varchar not null,
    file_name varchar not null,
    file_sha256 varchar not null,
    load_id varchar,
    line_number bigint,
    error_type varchar,
    error_message varchar,
    raw_line varchar,
    column_name varchar
);
alter table {META}.parse_rejects add column if not exists column_name varchar;
-- One row per district per run (step 'ingest'), and one per run for each run-level step
-- ('dbt', 'lock'): failed transfers, crashes and lock conflicts included.
create table if not exists {META}.run_log (
    run_id varchar not null,
    step varchar not null,
    district_id varchar,
    started_at timestamptz not null,
    ended_at timestamptz,
    status varchar not null,
    files_received bigint,
    files_loaded bigint,
    files_failed bigint,
    rows_loaded bigint,
    message varchar,
    pid bigint,
    command varchar
);
-- A held file released by a person (pathways release): who, when, and why.
create table if not exists {META}.file_releases (
    district_id varchar not null,
    sis varchar not null,
    dataset varchar not null,
    file_name varchar not null,
    file_sha256 varchar not null,
    load_id varchar,
    released_at timestamptz not null,
    released_by varchar not null,
    note varchar
);
create table if not exists {META}.districts (
    district_id varchar not null,
    name varchar,
    state varchar,
    state_district_id varchar,
    sis varchar,
    transfer_method varchar,
    status varchar,
    timezone varchar
);
create table if not exists {META}.district_schools (
    district_id varchar not null,
    school_id varchar not null,
    state_school_id varchar,
    school_name varchar,
    grade_low varchar,
    grade_high varchar
);
-- Each district's Data Validation Worksheet (ingest/worksheets.py), one row per line.
create table if not exists {META}.validation_worksheets (
    district_id varchar not null,
    dataset varchar not null,
    school_id varchar,
    grade_level varchar,
    expected_count bigint not null,
    tolerance_pct decimal(5, 2) not null,
    source_file varchar not null,
    line_number bigint not null
);
"""

MANIFEST_COLUMNS = (
    "district_id",
    "sis",
    "dataset",
    "file_name",
    "remote_path",
    "size_bytes",
    "file_sha256",
    "file_modified_at",
    "received_at",
    "load_id",
    "encoding",
    "delimiter",
    "data_lines",
    "rows_loaded",
    "rows_unparseable",
    "status",
    "reason",
    "file_date",
    "run_id",
)
REJECT_COLUMNS = (
    "district_id",
    "sis",
    "dataset",
    "file_name",
    "file_sha256",
    "load_id",
    "line_number",
    "error_type",
    "error_message",
    "raw_line",
    "column_name",
)


# DuckDB's resources, chosen by measurement (README, "Scale"): the same for the ingest's
# connections and dbt (profiles/profiles.yml reads the same variables, which
# ingest.transform.run_dbt fills in). Each is overridable in the environment.
MEMORY_LIMIT_ENV = "PATHWAYS_DUCKDB_MEMORY_LIMIT"
THREADS_ENV = "PATHWAYS_DUCKDB_THREADS"
SPILL_DIR_ENV = "PATHWAYS_DUCKDB_TEMP_DIR"
SETTINGS_ENV = (MEMORY_LIMIT_ENV, THREADS_ENV, SPILL_DIR_ENV)
DEFAULT_MEMORY_LIMIT = "1GB"


def spill_dir() -> Path:
    """Where DuckDB spills what does not fit its memory_limit: inside the work folder, owner
    only. Spill files are plaintext student data: DuckDB deletes them when it is done, and
    every run removes the folder at its start and end (ingest.runs)."""
    return Path(os.environ.get(SPILL_DIR_ENV) or work_dir() / "duckdb_spill").resolve()


def remove_spill_files() -> None:
    """Delete what DuckDB spilled (plaintext student data): the whole default folder inside
    the work folder; in a folder named by PATHWAYS_DUCKDB_TEMP_DIR, only DuckDB's own files
    (`duckdb_temp*`), never anything else it may hold."""
    import shutil

    spill = spill_dir()
    if not spill.is_dir() or spill.is_symlink():
        return
    if spill == (work_dir() / "duckdb_spill").resolve():
        shutil.rmtree(spill, ignore_errors=True)
        return
    for path in spill.glob("duckdb_temp*"):
        if path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)


def memory_limit() -> str:
    return os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT


def duckdb_threads() -> int:
    return int(os.environ.get(THREADS_ENV) or os.cpu_count() or 1)


def duckdb_settings(*, preserve_insertion_order: bool = False) -> dict[str, str | int | bool]:
    """The settings every writing DuckDB connection of a night opens with (as a `config`):
    a memory limit well under the machine's (the night's whole process stays under 2 GB at
    280,000 students; what does not fit spills), the spill folder (created 0700), and the
    threads. Insertion order is not preserved unless asked: every raw row carries its line
    number and every model orders what it needs."""
    spill = spill_dir()
    spill.mkdir(parents=True, exist_ok=True)
    spill.chmod(0o700)
    return {
        "memory_limit": memory_limit(),
        "temp_directory": str(spill),
        "threads": duckdb_threads(),
        "preserve_insertion_order": preserve_insertion_order,
    }


# One user of the warehouse at a time in this process: districts are fetched side by side
# (ingest.night.ingest_districts) and take turns here. A second open of the file with another
# configuration is refused while one is open, and two transactions writing the same raw table
# could conflict. Re-entrant: a holder may open it again.
WRITER = threading.RLock()


@contextmanager
def connect(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse, with the night's settings, held under WRITER until the block ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with WRITER, duckdb.connect(str(path), config=duckdb_settings()) as con:
        yield con


class RawTable(Protocol):
    """What prepare() needs of a declared raw table: a FileDeclaration or a PowerQuery."""

    @property
    def schema(self) -> str: ...
    @property
    def dataset(self) -> str: ...
    @property
    def raw_columns(self) -> tuple[str, ...]: ...


def raw_tables(
    declarations: Mapping[str, Iterable[FileDeclaration]] | None = None,
) -> list[RawTable]:
    """Every declared raw table: each SIS's files (`meta.file`, by SIS as load_declarations
    returns them; loaded when not given) and PowerSchool's PowerQueries (`meta.query`).
    The one list prepare() is called with, so dbt finds every source before the first night."""
    if declarations is None:
        declarations = load_declarations()
    return [d for ds in declarations.values() for d in ds] + list(load_queries().values())


def prepare(con: duckdb.DuckDBPyConnection, declarations: Iterable[RawTable]) -> None:
    """Create the bookkeeping tables and every declared raw table (all text + lineage):
    pass raw_tables(). A column declared after its table was created is added to it (text,
    NULL in the rows loaded before), as dlt's schema evolution did for the API path."""
    con.execute(META_DDL)
    existing: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in con.execute(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where database_name = current_database() and starts_with(schema_name, 'raw_')"
    ).fetchall():
        existing.setdefault((schema, table), set()).add(column)
    for decl in declarations:
        have = existing.get((decl.schema, decl.dataset))
        if have is not None:
            for column in decl.raw_columns:
                if column not in have:
                    con.execute(
                        f'alter table {decl.schema}.{decl.dataset} add column "{column}" varchar'
                    )
            continue
        columns = ", ".join(f'"{c}" varchar' for c in decl.raw_columns)
        con.execute(f"create schema if not exists {decl.schema}")
        con.execute(
            f"create table if not exists {decl.schema}.{decl.dataset} ({columns}, "
            "_district_id varchar, _source_file varchar, _file_sha256 varchar, "
            "_row_number bigint, _loaded_at timestamptz, _dlt_load_id varchar)"
        )


def new_load_id() -> str:
    """A load id in dlt's format (a unix timestamp as text, as dlt writes it; the lake export
    keeps it): models read `to_timestamp(cast(_dlt_load_id as double))` for freshness."""
    return str(time.time())


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: RawTable,
    rows: pa.RecordBatchReader | pa.Table,
    *,
    row_number: str,
    district_id: str,
    source_file: str,
    sha256: str,
    loaded_at: datetime,
    load_id: str,
) -> None:
    """Append rows as Arrow (their raw columns, and what `row_number`, an SQL expression,
    computes `_row_number` from) to their raw table, the other lineage columns added here as
    constants (DuckDB still stores each per row: ~0.4 s of CPU at 5 million rows, measured
    with perf; README, "Performance"): a parsed file (readers.parse_stream, batches) or a
    PowerQuery's records (QueryResult.arrow_table). Runs in the caller's transaction, with
    insertion order off: rows carry their line number, and an unordered insert runs in
    parallel (measured ~20% faster)."""
    columns = ", ".join(f'"{c}"' for c in table.raw_columns)
    con.execute("set preserve_insertion_order = false")
    con.register("_pathways_rows", rows)
    try:
        con.execute(
            f"""insert into {table.schema}.{table.dataset}
                    ({columns}, {", ".join(LINEAGE_COLUMNS)})
                select {columns}, $district, $file, $sha256, {row_number}, $loaded_at, $load_id
                from _pathways_rows""",
            {
                "district": district_id,
                "file": source_file,
                "sha256": sha256,
                "loaded_at": loaded_at,
                "load_id": load_id,
            },
        )
    finally:
        con.unregister("_pathways_rows")


def write_registry(con: duckdb.DuckDBPyConnection, districts: Sequence[District]) -> None:
    """The registry is the single source of truth: rewrite its copy in the warehouse."""
    con.execute("begin")
    con.execute(f"delete from {META}.districts")
    con.execute(f"delete from {META}.district_schools")
    con.executemany(
        f"insert into {META}.districts values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                d.id,
                d.name,
                d.state,
                d.state_district_id,
                d.sis,
                d.transfer_method,
                d.status,
                d.timezone,
            )
            for d in districts
        ],
    )
    schools = [
        (d.id, s.school_id, s.state_school_id, s.name, s.grade_low, s.grade_high)
        for d in districts
        for s in d.schools
    ]
    if schools:
        con.executemany(f"insert into {META}.district_schools values (?, ?, ?, ?, ?, ?)", schools)
    con.execute("commit")


# The order that decides which loaded file is a dataset's latest good one; the same order as
# stg_pathways__latest_good_files (dbt reads what the ingest judged against).
LATEST_GOOD_ORDER = (
    "file_date desc nulls last, file_modified_at desc nulls last, received_at desc, file_name desc"
)


@dataclass(frozen=True)
class GoodFile:
    file_name: str
    file_sha256: str
    rows: int
    file_date: date | None
    modified_at: datetime | None

    @property
    def order_key(self) -> tuple:
        return order_key(self.file_date, self.modified_at)


def order_key(file_date: date | None, modified_at: datetime | None) -> tuple:
    """Newer sorts later: the date in the name, then the mtime (missing ones first)."""
    return (file_date or date.min, modified_at or datetime.min.replace(tzinfo=UTC))


def latest_loaded(
    con: duckdb.DuckDBPyConnection, district_id: str, dataset: str, sis: str
) -> GoodFile | None:
    """The latest good file of a district and dataset, if any."""
    row = con.execute(
        f"""select file_name, file_sha256, rows_loaded, file_date, file_modified_at
            from {META}.file_manifest
            where district_id = ? and sis = ? and dataset = ? and status = 'loaded'
            order by {LATEST_GOOD_ORDER} limit 1""",
        [district_id, sis, dataset],
    ).fetchone()
    return GoodFile(row[0], row[1], row[2] or 0, row[3], row[4]) if row else None


def content_statuses(
    con: duckdb.DuckDBPyConnection, district_id: str
) -> dict[tuple[str, str, str], set[str]]:
    """The statuses each content (sis, dataset, sha256) of the district was recorded with
    before, read once per district night (the manifest only changes at its end). Files
    often stay on the server after they are read (Harmony keeps every term's folder), so any
    earlier night counts, not only the latest."""
    statuses: dict[tuple[str, str, str], set[str]] = {}
    for sis, dataset, sha256, status in con.execute(
        f"""select distinct sis, dataset, file_sha256, status from {META}.file_manifest
            where district_id = ? and file_sha256 is not null""",
        [district_id],
    ).fetchall():
        statuses.setdefault((sis, dataset, sha256), set()).add(status)
    return statuses


def listed_contents(
    con: duckdb.DuckDBPyConnection, district_id: str
) -> dict[tuple[str, str, str, int, datetime], tuple[str, str | None, datetime]]:
    """What each file the district listed before held, by how it was listed: (sis, dataset,
    remote path, size, modification time) -> (sha256, encoding, when it was received), the
    latest receipt's when a listing was seen with more than one content."""
    return {
        (sis, dataset, path, size, modified): (sha256, encoding, received)
        for sis, dataset, path, size, modified, sha256, encoding, received in con.execute(
            f"""select sis, dataset, remote_path, size_bytes, file_modified_at, file_sha256,
                       encoding, received_at
                from {META}.file_manifest
                where district_id = ? and file_sha256 is not null
                  and remote_path is not null and file_modified_at is not null
                order by received_at""",
            [district_id],
        ).fetchall()
    }


def record_files(
    con: duckdb.DuckDBPyConnection, entries: Sequence[dict], rejects: Sequence[dict]
) -> None:
    if entries:
        con.executemany(
            f"insert into {META}.file_manifest ({', '.join(MANIFEST_COLUMNS)}) "
            f"values ({', '.join('?' for _ in MANIFEST_COLUMNS)})",
            [[e.get(c) for c in MANIFEST_COLUMNS] for e in entries],
        )
    if rejects:
        con.executemany(
            f"insert into {META}.parse_rejects ({', '.join(REJECT_COLUMNS)}) "
            f"values ({', '.join('?' for _ in REJECT_COLUMNS)})",
            [[r.get(c) for c in REJECT_COLUMNS] for r in rejects],
        )


def fix_row_numbers(
    con: duckdb.DuckDBPyConnection,
    decl: FileDeclaration,
    district_id: str,
    sha256: str,
    load_id: str,
    skipped_lines: Sequence[int],
) -> None:
    """Turn provisional row numbers (data row + header) into physical line numbers.

    DuckDB skips empty lines and rejected lines. With the skipped line numbers S sorted,
    the row at provisional number p sits at line p + #{i : S_i - i < p} (i counted from 1).
    """
    if not skipped_lines:
        return
    shifted = [s - i for i, s in enumerate(sorted(set(skipped_lines)), start=1)]
    con.execute("create or replace temp table skipped_lines (shifted bigint)")
    con.executemany("insert into skipped_lines values (?)", [(s,) for s in shifted])
    con.execute(
        f"""update {decl.schema}.{decl.dataset} as raw
            set _row_number = raw._row_number
                + (select count(*) from skipped_lines where shifted < raw._row_number)
            where _district_id = ? and _file_sha256 = ? and _dlt_load_id = ?""",
        [district_id, sha256, load_id],
    )
    con.execute("drop table skipped_lines")


def purge_old_loads(
    con: duckdb.DuckDBPyConnection, decl: FileDeclaration, district_id: str, keep: int
) -> int:
    """Raw tables keep the rows of the last `keep` files received per district and dataset
    (whatever their status) and of the latest good file however old (staging reads it), and
    drop rows no manifest entry accounts for (a crashed run)."""
    of_dataset = "district_id = $district and sis = $sis and dataset = $dataset"
    kept = f"""
        (select file_sha256, load_id from {META}.file_manifest
         where {of_dataset} and load_id is not null
         qualify row_number() over (order by received_at desc, file_name desc) <= $keep)
        union all
        (select file_sha256, load_id from {META}.file_manifest
         where {of_dataset} and load_id is not null and status = 'loaded'
         order by {LATEST_GOOD_ORDER} limit 1)
    """
    deleted = con.execute(
        f"""delete from {decl.schema}.{decl.dataset}
            where _district_id = $district
              and (_file_sha256, _dlt_load_id) not in ({kept})""",
        {"district": district_id, "sis": decl.sis, "dataset": decl.dataset, "keep": keep},
    ).fetchone()
    return deleted[0] if deleted else 0
