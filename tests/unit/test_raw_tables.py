"""Raw tables as warehouse.prepare makes them: every declared column text, then the lineage
columns; a column declared after its table was created is added (the API path's dlt load
did that through dlt's schema evolution; the direct insert needs the table to have it)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ingest import warehouse
from ingest.declarations import LINEAGE_COLUMNS


@dataclass(frozen=True)
class Table:
    schema: str
    dataset: str
    raw_columns: tuple[str, ...]


def _columns(con, table: Table) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [table.schema, table.dataset],
    ).fetchall()


def test_a_column_declared_later_is_added_and_the_rows_stay(tmp_path):
    before = Table("raw_powerschool", "staff", ("teacher_id", "last_name"))
    after = Table("raw_powerschool", "staff", ("teacher_id", "last_name", "email"))
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        warehouse.prepare(con, [before])
        names = [c for c, _ in _columns(con, before)]
        assert names == [*before.raw_columns, *LINEAGE_COLUMNS]
        con.execute("insert into raw_powerschool.staff (teacher_id, last_name) values ('01', 'A')")
        warehouse.prepare(con, [after])
        warehouse.prepare(con, [after])  # nothing more to add
        columns = _columns(con, after)
        assert [c for c, _ in columns] == [*before.raw_columns, *LINEAGE_COLUMNS, "email"]
        assert dict(columns)["email"] == "VARCHAR"
        rows = con.execute("select teacher_id, last_name, email from raw_powerschool.staff")
        assert rows.fetchall() == [("01", "A", None)]
