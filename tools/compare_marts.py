"""Compare the marts of two warehouses row for row, e.g. the demo built before and after a
refactoring that must not change any data.

Both DuckDB files are attached read-only in one session. For every table of the marts
schema (in either file) it prints one line: rows old / new, rows only in old and only in
new (`EXCEPT ALL` both ways, so duplicates count), over the columns both files have minus
the ignored ones. Each ignored column (a key whose recipe was changed on purpose) gets a
line of its own: the same counts with that column compared too, i.e. how many rows it
alone makes differ. Exit 1 when a table, a column or a row differs (ignored columns
aside), 0 when the marts are identical.

With --exclude-district ID (repeatable), the rows of those districts are left out of every
table that has a district_id column: "nothing changed for anyone else" after a change that
concerns one district (e.g. its own crosswalk rows).

    python tools/compare_marts.py OLD.duckdb NEW.duckdb [--ignore TABLE.COLUMN ...] [--schema marts]
        [--exclude-district ID ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables"
        " where table_catalog = ? and table_schema = ? order by table_name",
        [catalog, schema],
    ).fetchall()
    return [name for (name,) in rows]


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns"
        " where table_catalog = ? and table_schema = ? and table_name = ?"
        " order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()
    return [name for (name,) in rows]


def _only_in(con, left: str, right: str, columns: list[str]) -> int:
    select = ", ".join(_quote(c) for c in columns)
    query = f"select {select} from {left} except all select {select} from {right}"
    return con.execute(f"select count(*) from ({query})").fetchone()[0]


def _rows_of(relation: str, columns: list[str], exclude: list[str]) -> str:
    """The relation, without the excluded districts' rows when it has a district_id."""
    if not exclude or "district_id" not in columns:
        return relation
    ids = ", ".join("'" + d.replace("'", "''") + "'" for d in exclude)
    return f"(select * from {relation} where district_id is null or district_id not in ({ids}))"


def compare(
    old: Path,
    new: Path,
    ignore: set[str],
    schema: str = "marts",
    exclude_districts: list[str] | tuple[str, ...] = (),
) -> tuple[list[str], bool]:
    """The report lines and whether the marts differ (ignored columns aside), the excluded
    districts' rows left out."""
    con = duckdb.connect()
    con.execute(f"attach {_quote(str(old))} as old_db (read_only)")
    con.execute(f"attach {_quote(str(new))} as new_db (read_only)")
    lines: list[str] = []
    differ = False
    old_tables, new_tables = _tables(con, "old_db", schema), _tables(con, "new_db", schema)
    for table in sorted(set(old_tables) | set(new_tables)):
        if table not in old_tables or table not in new_tables:
            lines.append(f"{table}: only in {'new' if table not in old_tables else 'old'}")
            differ = True
            continue
        old_columns = _columns(con, "old_db", schema, table)
        new_columns = _columns(con, "new_db", schema, table)
        exclude = list(exclude_districts)
        left, right = (
            _rows_of(f"{db}.{_quote(schema)}.{_quote(table)}", columns, exclude)
            for db, columns in (("old_db", old_columns), ("new_db", new_columns))
        )
        ignored = [c for c in old_columns if f"{table}.{c}" in ignore]
        compared = [c for c in old_columns if c in new_columns and c not in ignored]
        unmatched = sorted(set(old_columns) ^ set(new_columns))
        rows_old = con.execute(f"select count(*) from {left} as rows_old").fetchone()[0]
        rows_new = con.execute(f"select count(*) from {right} as rows_new").fetchone()[0]
        only_old = _only_in(con, left, right, compared)
        only_new = _only_in(con, right, left, compared)
        line = (
            f"{table}: rows old {rows_old:,} / new {rows_new:,}, "
            f"only in old {only_old:,}, only in new {only_new:,}"
        )
        if ignored:
            line += f" (ignoring {', '.join(ignored)})"
        if unmatched:
            line += f"; columns in one file only: {', '.join(unmatched)}"
        lines.append(line)
        differ |= bool(only_old or only_new or rows_old != rows_new or unmatched)
        for column in ignored:
            if column not in new_columns:
                continue
            with_it = compared + [column]
            old_only = _only_in(con, left, right, with_it)
            new_only = _only_in(con, right, left, with_it)
            lines.append(
                f"  ignored {table}.{column}: with it compared, "
                f"only in old {old_only:,}, only in new {new_only:,}"
            )
    con.close()
    return lines, differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path, help="the warehouse before (DuckDB file)")
    parser.add_argument("new", type=Path, help="the warehouse after (DuckDB file)")
    parser.add_argument(
        "--ignore",
        nargs="*",
        default=[],
        metavar="TABLE.COLUMN",
        help="columns left out of the comparison (keys whose recipe changed on purpose)",
    )
    parser.add_argument("--schema", default="marts", help="the schema compared (default: marts)")
    parser.add_argument(
        "--exclude-district",
        action="append",
        default=[],
        metavar="ID",
        help="leave this district's rows out (tables with a district_id column); repeatable",
    )
    args = parser.parse_args(argv)
    for path in (args.old, args.new):
        if not path.is_file():
            parser.error(f"{path}: no such DuckDB file")
    lines, differ = compare(
        args.old, args.new, set(args.ignore), args.schema, args.exclude_district
    )
    print("\n".join(lines))
    print(f"{args.schema} differ" if differ else f"{args.schema} identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
