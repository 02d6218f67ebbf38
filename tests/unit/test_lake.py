"""The parquet lake the spark target reads (ingest/lake.py): dlt's filesystem destination,
one folder per table, every row as the warehouse holds it, the ingest's load id kept."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq

from ingest.lake import as_lake_url, export_lake


def _warehouse(path):
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw_skyward_qmlativ")
        con.execute("create schema pathways_meta")
        con.execute(
            "create table raw_skyward_qmlativ.students as select * from (values"
            " ('000123', 'district_a', 7::bigint, '1700000000.1'),"
            " (null, 'district_a', 8::bigint, '1700000000.1')"
            ") t(student_number, _district_id, _row_number, _dlt_load_id)"
        )
        con.execute("create table raw_skyward_qmlativ._dlt_loads (load_id varchar)")
        con.execute(
            "create table pathways_meta.file_manifest as select 'district_a' as district_id,"
            " 12.5::decimal(5,2) as tolerance_pct, date '2026-11-20' as file_date"
        )
        con.execute("create table pathways_meta.file_releases (district_id varchar, note varchar)")


def test_one_folder_per_table_rows_and_load_ids_kept(tmp_path):
    db = tmp_path / "w.duckdb"
    _warehouse(db)
    lake = tmp_path / "lake"
    tables = {(t.schema, t.table): t.rows for t in export_lake(db, lake)}
    assert tables == {
        ("pathways_meta", "file_manifest"): 1,
        ("pathways_meta", "file_releases"): 0,
        ("raw_skyward_qmlativ", "students"): 2,
    }  # dlt's own tables are not exported
    students = pq.read_table(lake / "raw_skyward_qmlativ" / "students").sort_by("_row_number")
    assert students.column("student_number").to_pylist() == ["000123", None]  # text, zeros kept
    assert set(students.column("_dlt_load_id").to_pylist()) == {"1700000000.1"}
    manifest = pq.read_table(lake / "pathways_meta" / "file_manifest")
    assert "_dlt_load_id" not in manifest.column_names  # bookkeeping tables get no load id
    assert str(manifest.schema.field("tolerance_pct").type) == "decimal128(5, 2)"


def test_an_empty_table_still_has_its_columns(tmp_path):
    db = tmp_path / "w.duckdb"
    _warehouse(db)
    export_lake(db, tmp_path / "lake")
    empty = pq.read_table(tmp_path / "lake" / "pathways_meta" / "file_releases")
    assert empty.num_rows == 0
    assert empty.column_names == ["district_id", "note"]


def test_a_second_export_replaces_the_first(tmp_path):
    db = tmp_path / "w.duckdb"
    _warehouse(db)
    export_lake(db, tmp_path / "lake")
    with duckdb.connect(str(db)) as con:
        con.execute("delete from raw_skyward_qmlativ.students where student_number is null")
    export_lake(db, tmp_path / "lake")
    assert pq.read_table(tmp_path / "lake" / "raw_skyward_qmlativ" / "students").num_rows == 1


def test_a_url_names_the_lake_as_a_folder_does(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    _warehouse(db)
    lake = tmp_path / "lake"
    monkeypatch.setenv("PATHWAYS_LAKE_URL", lake.as_uri() + "/")  # what the spark target reads
    export_lake(db)
    assert pq.read_table(lake / "raw_skyward_qmlativ" / "students").num_rows == 2
    assert pq.read_table(lake / "pathways_meta" / "file_releases").num_rows == 0
    assert as_lake_url(lake) == lake.as_uri()
    assert as_lake_url("s3://bucket/lake/") == "s3://bucket/lake"


def test_a_table_empty_then_filled_then_empty_again(tmp_path):
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema pathways_meta")
        con.execute("create table pathways_meta.file_releases (district_id varchar)")
    folder = tmp_path / "lake" / "pathways_meta" / "file_releases"
    export_lake(db, tmp_path / "lake")  # a schema whose only table is empty
    with duckdb.connect(str(db)) as con:
        con.execute("insert into pathways_meta.file_releases values ('district_a')")
    export_lake(db, tmp_path / "lake")
    assert pq.read_table(folder).num_rows == 1  # the empty file is gone
    with duckdb.connect(str(db)) as con:
        con.execute("delete from pathways_meta.file_releases")
    export_lake(db, tmp_path / "lake")
    assert [p.name for p in folder.iterdir()] == ["empty.parquet"]
