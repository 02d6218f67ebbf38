"""What a person does to the warehouse: release a held file, purge a district."""

from __future__ import annotations

import getpass
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest import warehouse
from ingest.paths import work_dir
from ingest.runs import scratch_root

META = warehouse.META


class AdminError(RuntimeError):
    pass


def release_file(db_path: Path, district_id: str, file_name: str, note: str | None = None) -> dict:
    """A held file becomes the district's data: its manifest status turns `loaded` (staging
    reads it after the next dbt build) and the release is recorded in file_releases."""
    with warehouse.connect(db_path) as con:
        con.execute(warehouse.META_DDL)
        held = con.execute(
            f"""select sis, dataset, file_sha256, load_id, received_at
                from {META}.file_manifest
                where district_id = ? and file_name = ? and status = 'held'
                order by received_at desc limit 1""",
            [district_id, file_name],
        ).fetchone()
        if held is None:
            known = [
                name
                for (name,) in con.execute(
                    f"select distinct file_name from {META}.file_manifest "
                    "where district_id = ? and status = 'held' order by 1",
                    [district_id],
                ).fetchall()
            ]
            raise AdminError(
                f"district {district_id}: no held file named {file_name!r}; held files: "
                f"{known or 'none'}"
            )
        sis, dataset, sha256, load_id, received_at = held
        released_at = datetime.now(UTC)
        released_by = getpass.getuser()
        con.execute("begin")
        con.execute(
            f"""update {META}.file_manifest
                set status = 'loaded',
                    reason = 'released by ' || ? || ' at ' || ? || ' (was held: ' || reason || ')'
                where district_id = ? and file_name = ? and file_sha256 = ?
                  and received_at = ? and status = 'held'""",
            [
                released_by,
                released_at.isoformat(timespec="seconds"),
                district_id,
                file_name,
                sha256,
                received_at,
            ],
        )
        con.execute(
            f"insert into {META}.file_releases values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [district_id, sis, dataset, file_name, sha256, load_id, released_at, released_by, note],
        )
        con.execute("commit")
    return {"dataset": dataset, "released_by": released_by, "released_at": released_at}


def purge_district(db_path: Path, district_id: str) -> dict[str, int]:
    """Dispose of a district's data everywhere this project keeps it (a data-privacy
    agreement ended): every row of every table that names the district, dbt's stored test
    failures, the run's scratch and dlt folders. The database is then rewritten into a new
    file, so the deleted rows do not survive in free blocks of the old one.

    Returns rows deleted per table."""
    deleted: dict[str, int] = {}
    with warehouse.connect(db_path) as con:
        tables = con.execute(
            """select table_schema, table_name, column_name
               from information_schema.columns
               join information_schema.tables using (table_catalog, table_schema, table_name)
               where table_type = 'BASE TABLE'
                 and column_name in ('district_id', '_district_id')
               order by all"""
        ).fetchall()
        audit = [
            schema
            for (schema,) in con.execute(
                "select schema_name from information_schema.schemata "
                "where schema_name like '%dbt_test__audit'"
            ).fetchall()
        ]
        con.execute("begin")
        for schema, table, column in tables:
            if schema in audit:
                continue
            count = con.execute(
                f'delete from "{schema}"."{table}" where "{column}" = ?', [district_id]
            ).fetchone()[0]
            if count:
                deleted[f"{schema}.{table}"] = count
        for schema in audit:  # stored failures: rebuilt by the next dbt build
            con.execute(f'drop schema "{schema}" cascade')
        con.execute("commit")
    _rewrite(db_path)
    for folder in (
        *scratch_root().glob(f"{district_id}-*"),
        # dlt working folders of earlier versions (the API path and the platform's files
        # loaded through a dlt pipeline per district): plaintext packages may remain
        work_dir() / "dlt" / f"pathways__{district_id}",
        *(work_dir() / "dlt").glob(f"pathways__{district_id}__raw_*"),
    ):
        shutil.rmtree(folder, ignore_errors=True)
    # its validation page (`pathways validate`, default folder) lists its student IDs
    (work_dir() / "reports" / f"{district_id}.html").unlink(missing_ok=True)
    return deleted


def _rewrite(db_path: Path) -> None:
    """Copy the database into a fresh file and swap it in (DuckDB leaves deleted rows in free
    blocks until they are reused)."""
    fresh = db_path.with_name(db_path.name + ".purge")
    fresh.unlink(missing_ok=True)
    with duckdb.connect(str(db_path)) as con:
        con.execute(f"attach '{fresh}' as fresh")
        con.execute(f'copy from database "{_catalog(con)}" to fresh')
        con.execute("detach fresh")
    fresh.replace(db_path)
    db_path.with_name(db_path.name + ".wal").unlink(missing_ok=True)


def _catalog(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_database()").fetchone()[0]
