"""tools/compare_marts.py: identical marts pass, a changed row, a missing row and a changed
column fail, and an ignored key column is left out but counted on its own line."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from compare_marts import main  # noqa: E402


def _warehouse(path: Path, rows: list[tuple[str, str, int]]) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        "create table marts.fct_student_grade "
        "(k_student_grade varchar, student_id varchar, grade int)"
    )
    con.executemany("insert into marts.fct_student_grade values (?, ?, ?)", rows)
    con.execute("create table marts.dim_school (school_id varchar)")
    con.execute("insert into marts.dim_school values ('001')")
    con.close()
    return path


ROWS = [("a", "1", 90), ("b", "2", 80), ("b", "2", 80)]


def test_identical_marts_exit_0(tmp_path, capsys):
    old = _warehouse(tmp_path / "old.duckdb", ROWS)
    new = _warehouse(tmp_path / "new.duckdb", ROWS)
    assert main([str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert "fct_student_grade: rows old 3 / new 3, only in old 0, only in new 0" in out
    assert "dim_school: rows old 1 / new 1, only in old 0, only in new 0" in out


@pytest.mark.parametrize(
    "new_rows",
    [
        [("a", "1", 90), ("b", "2", 80), ("b", "2", 81)],  # a value changed
        [("a", "1", 90), ("b", "2", 80)],  # a duplicate lost: EXCEPT ALL counts it
    ],
)
def test_a_different_row_exits_1(tmp_path, capsys, new_rows):
    old = _warehouse(tmp_path / "old.duckdb", ROWS)
    new = _warehouse(tmp_path / "new.duckdb", new_rows)
    assert main([str(old), str(new)]) == 1
    assert "only in old 1" in capsys.readouterr().out


def test_an_ignored_key_column_is_counted_apart(tmp_path, capsys):
    old = _warehouse(tmp_path / "old.duckdb", ROWS)
    new = _warehouse(tmp_path / "new.duckdb", [("x", "1", 90), ("b", "2", 80), ("b", "2", 80)])
    assert main([str(old), str(new)]) == 1
    capsys.readouterr()
    assert main([str(old), str(new), "--ignore", "fct_student_grade.k_student_grade"]) == 0
    out = capsys.readouterr().out
    assert "only in old 0, only in new 0 (ignoring k_student_grade)" in out
    assert (
        "ignored fct_student_grade.k_student_grade: with it compared, only in old 1, only in new 1"
        in out
    )


def test_excluded_district_rows_are_left_out(tmp_path, capsys):
    def warehouse(path: Path, rows: list[tuple[str, int]]) -> Path:
        con = duckdb.connect(str(path))
        con.execute("create schema marts")
        con.execute("create table marts.fct_student_grade (district_id varchar, grade int)")
        con.executemany("insert into marts.fct_student_grade values (?, ?)", rows)
        con.execute("create table marts.dim_school (school_id varchar)")
        con.close()
        return path

    old = warehouse(tmp_path / "old.duckdb", [("a", 90), ("b", 80)])
    new = warehouse(tmp_path / "new.duckdb", [("a", 90), ("b", 81), ("b", 70)])
    assert main([str(old), str(new)]) == 1
    capsys.readouterr()
    assert main([str(old), str(new), "--exclude-district", "b"]) == 0
    assert "fct_student_grade: rows old 1 / new 1, only in old 0, only in new 0" in (
        capsys.readouterr().out
    )
    new_a = warehouse(tmp_path / "new_a.duckdb", [("a", 91), ("b", 80)])
    assert main([str(old), str(new_a), "--exclude-district", "b"]) == 1
