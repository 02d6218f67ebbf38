"""What DuckDB alone takes to land a grades file the way the raw tables need it, in one
process with no Python in the rows' path: the floor under `pathways benchmark`'s ingest.

Each variant reads the same generated Skyward SMS grades file with the ingest's own
`read_csv` call (ingest.readers.read_csv_sql) into a fresh DuckDB file, and is timed from
the statement's start to its end (the process start and the close are the same for all):

  plain       create table as select * from read_csv(...) with DuckDB's defaults: the
              reference of `pathways benchmark` (insertion order kept)
  unordered   the same with `preserve_insertion_order = false`, as the ingest's insert runs
  lineage     insert into the raw table (warehouse.prepare: the lineage columns too), their
              values as constants (district, file, sha256, load id, load time; row number 1)
  ordinality  the same with the real row numbers from `with ordinality` (DuckDB's only way
              to number a CSV's rows in SQL: it reads the file on one thread)
  arrow       the ingest's own insert: DuckDB's parse streamed as Arrow with the row
              numbers added per batch (readers.parse_stream -> warehouse.insert_rows)

The variants run interleaved, `--repeat` times each; the table shows each one's fastest and
median. Usage (about 3 minutes at 5 million rows):

    python tools/raw_insert_floor.py [--rows 5000000] [--repeat 4]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VARIANTS = ("plain", "unordered", "lineage", "ordinality", "arrow")

ONE_RUN = """
import sys, time
from datetime import UTC, datetime
from pathlib import Path
import duckdb
from ingest import warehouse
from ingest.declarations import LINEAGE_COLUMNS, declarations_for
from ingest.readers import ROW_NUMBER_SQL, ParseResult, parse_stream, read_csv_sql

variant, csv, db = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
decl = next(d for d in declarations_for("skyward_sms") if d.dataset == "grades")
lineage = {"district_id": "hoosier_valley_schools", "source_file": csv.name,
           "sha256": "0" * 64, "loaded_at": datetime.now(UTC), "load_id": "1764530000.123456"}
con = duckdb.connect(db)
warehouse.prepare(con, [decl])  # the raw table the ingest loads, lineage columns included
raw = ", ".join(f'"{c}"' for c in decl.raw_columns)
sql = read_csv_sql(csv, decl)


def insert_with_lineage(row_number: str, source: str) -> None:
    # the columns and values of warehouse.insert_rows, from SQL instead of Arrow
    con.execute("set preserve_insertion_order = false")
    con.execute(
        f"insert into {decl.schema}.{decl.dataset} ({raw}, {', '.join(LINEAGE_COLUMNS)}) "
        f"select {raw}, $district_id, $source_file, $sha256, {row_number}, $loaded_at, "
        f"$load_id from ({source})",
        lineage,
    )


start = time.perf_counter()
if variant == "plain":
    con.execute(f"create table p as {sql}")
elif variant == "unordered":
    con.execute("set preserve_insertion_order = false")
    con.execute(f"create table p as {sql}")
elif variant == "lineage":
    insert_with_lineage("1", sql)
elif variant == "ordinality":
    insert_with_lineage("ordinality + 1", f"{sql} with ordinality")
else:  # the ingest's own insert
    rows = parse_stream(csv, decl, ParseResult())
    warehouse.insert_rows(con, decl, rows, row_number=ROW_NUMBER_SQL, **lineage)
print(time.perf_counter() - start)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=4)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from ingest.simulation.benchmark_file import write_grades_file

    times: dict[str, list[float]] = {v: [] for v in VARIANTS}
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "grades_20261128.csv"
        write_grades_file(csv, args.rows)
        for _ in range(args.repeat):
            for variant in VARIANTS:
                db = Path(tmp) / f"{variant}.duckdb"
                out = subprocess.run(
                    [sys.executable, "-c", ONE_RUN, variant, str(csv), str(db)],
                    cwd=REPO,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                times[variant].append(float(out.strip().splitlines()[-1]))
                db.unlink()
    plain = min(times["plain"])
    print(f"{args.rows:,} rows, {args.repeat} runs each, seconds of the statement:")
    print(f"{'variant':<11} {'fastest':>8} {'median':>8} {'/ plain':>8}")
    for variant, runs in times.items():
        best = min(runs)
        print(f"{variant:<11} {best:8.2f} {statistics.median(runs):8.2f} {best / plain:7.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
