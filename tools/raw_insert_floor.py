"""What DuckDB alone takes to land a grades file the way the raw tables need it, in one
process with no Python in the rows' path: the floor under `pathways benchmark`'s ingest.

Each variant reads the same generated Skyward SMS grades file with the ingest's own
`read_csv` call (ingest.readers.read_csv_sql) into a fresh DuckDB file, and is timed from
the statement's start to its end (the process start and the close are the same for all):

  plain       create table as select * from read_csv(...)      (pathways benchmark's DuckDB)
  lineage     insert into a table with the raw table's lineage columns, their values as
              constants (district, file, sha256, load id, load time; row number fixed)
  ordinality  the same with the real row numbers from `with ordinality` (DuckDB's only way
              to number a CSV's rows in SQL: it reads the file on one thread)
  arrow       the ingest's way: DuckDB's parse streamed as Arrow with the row numbers
              added per batch (ingest.readers.parse_stream), inserted with the lineage

The variants run interleaved, `--repeat` times each; the table shows each one's fastest and
median. Usage (about 2 minutes at 5 million rows):

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
VARIANTS = ("plain", "lineage", "ordinality", "arrow")

ONE_RUN = """
import sys, time
from pathlib import Path
import duckdb
from ingest.declarations import declarations_for
from ingest.readers import ROW_NUMBER_SQL, ParseResult, parse_stream, read_csv_sql

variant, csv, db = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
decl = next(d for d in declarations_for("skyward_sms") if d.dataset == "grades")
raw = ", ".join(f'"{c}"' for c in decl.raw_columns)
lineage = {"district": "hoosier_valley_schools", "file": csv.name, "sha256": "0" * 64,
           "load_id": "1764530000.123456"}
values = "$district, $file, $sha256, {row}, now(), $load_id"
con = duckdb.connect(db)
con.execute("set preserve_insertion_order = false")  # as the ingest's insert
con.execute(
    f"create table g ({', '.join(f'{c} varchar' for c in raw.split(', '))}, _district_id varchar, "
    "_source_file varchar, _file_sha256 varchar, _row_number bigint, _loaded_at timestamptz, "
    "_load_id varchar)"
)
sql = read_csv_sql(csv, decl)
start = time.perf_counter()
if variant == "plain":
    con.execute(f"create table p as {sql}")
elif variant == "lineage":
    con.execute(f"insert into g select {raw}, {values.format(row=1)} from ({sql})", lineage)
elif variant == "ordinality":
    con.execute(
        f"insert into g select {raw}, {values.format(row='ordinality + 1')} "
        f"from ({sql} with ordinality)",
        lineage,
    )
else:
    con.register("parsed", parse_stream(csv, decl, ParseResult()))
    con.execute(f"insert into g select {raw}, {values.format(row=ROW_NUMBER_SQL)} from parsed",
                lineage)
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
