"""Loading a night's files straight from DuckDB's parse into the raw tables (no dlt): the
lineage columns, one transaction with the manifest, and the memory bound's fallback."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingest import pipeline
from ingest.registry import load_registry
from ingest.simulation.generators import generate_district


@pytest.fixture
def district(tmp_path, monkeypatch):
    monkeypatch.setenv("PATHWAYS_WORK_DIR", str(tmp_path / "work"))
    monkeypatch.setenv("GUARDS__STABLE_SECONDS", "0")
    d = next(d for d in load_registry() if d.sis == "skyward_sms" and d.state == "TX")
    d = replace(d, transfer={"method": "local", "folder": str(tmp_path / "drop")})
    generate_district(d, tmp_path / "drop", night=date(2026, 11, 28), students=10)
    return d


def _raw(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_rows_carry_lineage_and_the_manifest_names_their_load(district, tmp_path):
    db = tmp_path / "pathways.duckdb"
    night = pipeline.ingest_district(district, db_path=db)
    assert {f.status for f in night.files} == {"loaded"}
    grades = next(f for f in night.files if f.decl.dataset == "grades")
    ((rows, load_ids, first, last, files, shas, loaded_at),) = _raw(
        db,
        "select count(*), count(distinct _dlt_load_id), min(_row_number), max(_row_number), "
        "count(distinct _source_file), count(distinct _file_sha256), "
        "count(distinct _loaded_at) from raw_skyward_sms.grades",
    )
    assert rows == grades.entry["rows_loaded"] and (first, last) == (2, rows + 1)
    assert (load_ids, files, shas, loaded_at) == (1, 1, 1, 1)
    ((load_id, seconds),) = _raw(
        db,
        "select distinct _dlt_load_id, cast(_dlt_load_id as double) from raw_skyward_sms.grades",
    )
    assert load_id == grades.entry["load_id"] == night.load_id and seconds > 1.7e9
    # the file path writes no dlt bookkeeping (nothing reads it)
    assert not _raw(
        db, "select * from information_schema.tables where starts_with(table_name, '_dlt')"
    )


def test_rows_that_do_not_fit_the_memory_bound_load_unbounded(district, tmp_path, monkeypatch):
    bounds = []
    real = pipeline._insert_all

    def tight(con, district, outcomes, memory):
        bounds.append(memory)
        load_ids = real(con, district, outcomes, memory)
        if memory:  # as DuckDB says when the rows in the making do not fit: after some rows
            raise duckdb.OutOfMemoryException("could not allocate block of size 256.0 KiB")
        return load_ids

    monkeypatch.setattr(pipeline, "_insert_all", tight)
    db = tmp_path / "pathways.duckdb"
    night = pipeline.ingest_district(district, db_path=db)
    assert len(bounds) == 2 and bounds[1] is None
    assert {f.status for f in night.files} == {"loaded"}
    for f in night.files:
        (count,) = _raw(
            db,
            f"select count(*) from raw_skyward_sms.{f.decl.dataset} where _dlt_load_id = "
            f"'{f.entry['load_id']}'",
        )[0]
        assert count == f.entry["rows_loaded"] == f.parse.rows > 0


def test_a_failed_insert_keeps_yesterdays_rows_and_records_the_night(
    district, tmp_path, monkeypatch
):
    db = tmp_path / "pathways.duckdb"
    pipeline.ingest_district(district, db_path=db)
    before = _raw(db, "select count(*), max(_dlt_load_id) from raw_skyward_sms.grades")
    generate_district(district, tmp_path / "drop", night=date(2026, 11, 29), students=11)
    real = pipeline.warehouse.insert_rows
    calls = []

    def failing(con, table, rows, **lineage):
        calls.append(table.dataset)
        real(con, table, rows, **lineage)  # rows in, then the load fails
        if len(calls) == 3:
            raise duckdb.IOException("disk full")

    monkeypatch.setattr(pipeline.warehouse, "insert_rows", failing)
    night = pipeline.ingest_district(district, db_path=db)
    tonight = [f for f in night.files if f.entry["file_date"] == date(2026, 11, 29)]
    assert tonight and all(f.status == "rejected" for f in tonight)
    assert all(
        "the load into the warehouse failed (IOException" in f.entry["reason"] for f in tonight
    )
    assert _raw(db, "select count(*), max(_dlt_load_id) from raw_skyward_sms.grades") == before
    recorded = _raw(
        db,
        "select count(*) from pathways_meta.file_manifest where file_date = '2026-11-29' "
        "and status = 'rejected' and load_id is null",
    )
    assert recorded == [(len(tonight),)]
