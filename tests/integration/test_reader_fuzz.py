"""Property-based fuzzing of the file reader (hypothesis): whatever bytes a district sends,
the ingest ends every file as `loaded` or `rejected` with a reason, never with an exception,
and a loaded file accounts for every line: rows in raw + unparseable lines = data lines.

Each example is a students file built from valid rows, then damaged: random truncation,
line-end mixes, encodings (UTF-8, UTF-8 BOM, UTF-16 with and without BOM, Windows-1252),
stray quotes, NUL bytes, a BOM mid-file, a very long line, a missing header. It goes
through the real path: a local drop folder, ingest_district, dlt, DuckDB.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.declarations import declarations_for
from ingest.pipeline import ingest_district
from ingest.registry import load_registry

pytestmark = pytest.mark.fuzz

DECL = next(d for d in declarations_for("skyward_sms") if d.dataset == "students")
HEADER = ",".join(DECL.columns)
GOOD_ROW = "{n},{n:06d},Peña,José,,01/02/2010,M,001,09,2029,A,{n:010d},8629"

names = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@st.composite
def district_files(draw) -> tuple[bytes, str]:
    rows = [GOOD_ROW.format(n=n) for n in range(1, draw(st.integers(1, 12)) + 1)]
    for i in draw(st.lists(st.integers(0, len(rows) - 1), max_size=3)):
        fields = rows[i].split(",")
        position = draw(st.integers(0, len(fields) - 1))
        fields[position] = draw(
            st.one_of(
                names,
                st.sampled_from(['"', '"unclosed', 'a"b', "\x00", "\ufeff", "x,y", "’–€"]),
            )
        )
        rows[i] = ",".join(fields)
    if draw(st.booleans()) and draw(st.booleans()):
        rows.insert(draw(st.integers(0, len(rows))), "L" * (3 * 1024 * 1024))  # > max line
    lines = rows if draw(st.integers(0, 9)) == 0 else [HEADER, *rows]
    ends = draw(st.sampled_from(["\r\n", "\n", "mixed"]))
    text = "".join(
        line + (draw(st.sampled_from(["\r\n", "\n"])) if ends == "mixed" else ends)
        for line in lines
    )
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "windows-1252"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 3)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data, encoding


@settings(
    max_examples=int(os.environ.get("PATHWAYS_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(sent=district_files())
def test_every_file_is_loaded_or_rejected_with_a_reason(sent, monkeypatch):
    data, _ = sent
    district = next(d for d in load_registry() if d.id == "bluebonnet_isd")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        monkeypatch.setenv("PATHWAYS_WORK_DIR", str(root / "work"))
        folder = root / "drop"
        folder.mkdir()
        (folder / "students_20261128.csv").write_bytes(data)
        local = replace(district, transfer={"method": "local", "folder": str(folder)})
        db = root / "w.duckdb"
        night = ingest_district(local, db_path=db)  # never raises for a bad file
        (outcome,) = [f for f in night.files if f.entry["dataset"] == "students"]
        entry = outcome.entry
        assert entry["status"] in ("loaded", "rejected"), entry
        if entry["status"] == "rejected":
            assert entry["reason"] and "Traceback" not in entry["reason"]
            assert "Peña" not in entry["reason"] and "José" not in entry["reason"]
            return
        with duckdb.connect(str(db), read_only=True) as con:
            rows = con.execute(
                "select count(*) from raw_skyward_sms.students where _file_sha256 = ?",
                [entry["file_sha256"]],
            ).fetchone()[0]
            unparseable = con.execute(
                "select count(*) from pathways_meta.parse_rejects where file_sha256 = ?",
                [entry["file_sha256"]],
            ).fetchone()[0]
        assert rows == entry["rows_loaded"]
        assert unparseable == entry["rows_unparseable"]
        assert rows + unparseable == entry["data_lines"] == _data_lines(data, entry["encoding"])


def _data_lines(data: bytes, encoding: str) -> int:
    """Non-empty lines after the header, counted independently of the reader."""
    text = data.decode(encoding).removeprefix("\ufeff")
    lines = [line for line in text.split("\n") if line.strip("\r")]
    return len(lines) - 1
