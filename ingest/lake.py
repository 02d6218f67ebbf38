"""Raw data as files, for engines that read a lake instead of the DuckDB file (Spark).

dlt's filesystem destination writes every raw table (`raw_<sis>.<dataset>`) and every
bookkeeping table (`pathways_meta.*`) as parquet, one folder per table:
`<lake>/<schema>/<table>/<load_id>.<file_id>.parquet`. The dbt `spark` target registers each
folder as an external table (macros/lake_sources.sql), so the models read the same rows,
lineage columns included, as on DuckDB.

Spike (issue 10): the files are mirrored from the DuckDB warehouse after the ingest, so the
manifest, row numbers and purge logic stay exactly as they are; a statewide deployment would
write the night's own load (the parse's Arrow stream) to the lake instead (README, "Spark").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dlt
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ingest.paths import lake_dir, work_dir

META_SCHEMA = "pathways_meta"
LAKE_PIPELINE = "pathways_lake"
# rows per Arrow batch handed to dlt: bounded memory whatever the table's size
BATCH_ROWS = 122_880


@dataclass(frozen=True)
class LakeTable:
    schema: str
    table: str
    rows: int


def warehouse_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The raw and bookkeeping tables of the warehouse (dlt's own `_dlt_*` tables left out)."""
    rows = con.execute(
        """
        select schema_name, table_name from duckdb_tables()
        where (starts_with(schema_name, 'raw_') or schema_name = ?)
            and not starts_with(table_name, '_dlt')
        order by 1, 2
        """,
        [META_SCHEMA],
    ).fetchall()
    return [(s, t) for s, t in rows]


def _batches(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> Iterator[pa.Table]:
    # a cursor of its own: dlt interleaves the resources' generators
    with con.cursor() as cursor:
        reader = cursor.sql(f'select * from "{schema}"."{table}"').to_arrow_reader(BATCH_ROWS)
        for batch in reader:
            yield pa.Table.from_batches([batch])


def export_lake(db_path: Path, lake: Path | None = None) -> list[LakeTable]:
    """Write every raw and bookkeeping table of the DuckDB warehouse to the lake (replace).
    An empty table becomes one empty parquet file with its columns, so Spark still knows
    the table's schema (dlt writes no file for no rows)."""
    lake = lake or lake_dir()
    lake.mkdir(parents=True, exist_ok=True)
    lake.chmod(0o700)  # student data
    written: list[LakeTable] = []
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = warehouse_tables(con)
        for schema in dict.fromkeys(s for s, _ in tables):
            names = [t for s, t in tables if s == schema]
            counts = {
                t: con.execute(f'select count(*) from "{schema}"."{t}"').fetchall()[0][0]
                for t in names
            }
            # one name for every schema (.dlt/config.toml scopes the export's settings by
            # it: the rows keep the ingest's _dlt_load_id), one working folder per schema
            pipeline = dlt.pipeline(
                pipeline_name=LAKE_PIPELINE,
                destination=dlt.destinations.filesystem(bucket_url=lake.as_uri()),
                dataset_name=schema,
                pipelines_dir=str(work_dir() / "dlt" / "lake" / schema),
            )
            resources = [
                dlt.resource(
                    _batches(con, schema, t), name=t, table_name=t, write_disposition="replace"
                )
                for t in names
                if counts[t]
            ]
            if resources:
                pipeline.run(resources, loader_file_format="parquet")
            for t in names:
                if not counts[t]:
                    _write_empty(con, schema, t, lake / schema / t)
                written.append(LakeTable(schema, t, counts[t]))
    return written


def _write_empty(con: duckdb.DuckDBPyConnection, schema: str, table: str, folder: Path) -> None:
    empty = con.sql(f'select * from "{schema}"."{table}" limit 0').to_arrow_table()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.parquet"):
        old.unlink()
    pq.write_table(empty, folder / "empty.parquet")
