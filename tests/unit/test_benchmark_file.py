"""The benchmark's big Skyward SMS grades file is written exactly as declared, and fast."""

from __future__ import annotations

import csv
import io

from ingest.declarations import declarations_for
from ingest.simulation.benchmark_file import write_grades_file

DECLS = {d.dataset: d for d in declarations_for("skyward_sms")}


def _unique(rows: list[dict[str, str]], *columns: str) -> bool:
    keys = [tuple(r[c] for c in columns) for r in rows]
    return len(keys) == len(set(keys))


def test_write_grades_file(tmp_path):
    path = tmp_path / "grades_big.csv"
    assert write_grades_file(path, 1000) == 1000
    raw = path.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") == 1001
    records = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    columns = DECLS["grades"].columns
    assert records[0] == list(columns)
    rows = [dict(zip(columns, r, strict=True)) for r in records[1:]]
    assert len(rows) == 1000
    assert _unique(rows, "Other ID", "School Year", "Term", "Course Key", "Section")
    assert all(float(r["Credit Earned"]) <= float(r["Credit Attempted"]) for r in rows)
    assert any('"' in line for line in raw.decode().splitlines())  # quoted commas
    same = tmp_path / "again.csv"
    other = tmp_path / "other.csv"
    write_grades_file(same, 1000)
    write_grades_file(other, 1000, seed=2)
    assert same.read_bytes() == raw and other.read_bytes() != raw
