"""The floor under a night's `dbt build`: every model's and every data test's compiled SQL
run by DuckDB alone, one after the other, on a copy of a warehouse: no dbt (no parse, no
threads, no bookkeeping), the same settings as the night (memory_limit, threads).

The SQL is dbt's own, from the manifest of the last `dbt build` (dbt_project/target): run
a build on the warehouse first (e.g. a scale benchmark's, with --keep). The copy is named
after the database the SQL was compiled against, so its names resolve unchanged.

    python tools/build_floor.py WAREHOUSE.duckdb [--manifest dbt_project/target/manifest.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def in_dag_order(nodes: dict) -> list[dict]:
    order: list[dict] = []
    seen: set[str] = set()

    def visit(key: str) -> None:
        if key in seen or key not in nodes:
            return
        seen.add(key)
        for parent in nodes[key].get("depends_on", {}).get("nodes", []):
            visit(parent)
        order.append(nodes[key])

    for key in nodes:
        visit(key)
    return order


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument(
        "--manifest", type=Path, default=REPO / "dbt_project" / "target" / "manifest.json"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    import duckdb

    from ingest import warehouse

    manifest = json.loads(args.manifest.read_text())
    built = {k: v for k, v in manifest["nodes"].items() if v.get("compiled_code")}
    models = [n for n in in_dag_order(built) if n["resource_type"] == "model"]
    tests = [n for n in built.values() if n["resource_type"] == "test"]
    if not models:
        raise SystemExit(f"{args.manifest}: no compiled model; run a dbt build first")
    database = models[0]["database"]
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / f"{database}.duckdb"
        shutil.copyfile(args.warehouse, copy)
        settings = warehouse.duckdb_settings()
        with duckdb.connect(str(copy)) as con:
            con.execute(f"set memory_limit = '{settings['memory_limit']}'")
            con.execute(f"set threads = {settings['threads']}")
            con.execute(f"set temp_directory = '{Path(tmp) / 'spill'}'")
            con.execute("set preserve_insertion_order = false")
            start = time.perf_counter()
            for node in models:
                relation = f'"{database}"."{node["schema"]}"."{node["alias"]}"'
                kind = "view" if node["config"]["materialized"] == "view" else "table"
                t = time.perf_counter()
                con.execute(f'create schema if not exists "{database}"."{node["schema"]}"')
                for existing in con.execute(  # what the warehouse's own build left there
                    "select table_type from information_schema.tables "
                    "where table_schema = ? and table_name = ?",
                    [node["schema"], node["alias"]],
                ).fetchall():
                    con.execute(f"drop {'view' if existing[0] == 'VIEW' else 'table'} {relation}")
                con.execute(f"create {kind} {relation} as {node['compiled_code']}")
                seconds[node["name"]] = time.perf_counter() - t
            models_s = time.perf_counter() - start
            for node in tests:
                t = time.perf_counter()
                con.execute(f"select count(*) from ({node['compiled_code']}) as t").fetchall()
                seconds[node["name"]] = time.perf_counter() - t
            tests_s = time.perf_counter() - start - models_s
    print(f"{len(models)} models {models_s:.1f} s, {len(tests)} data tests {tests_s:.1f} s")
    for name, s in sorted(seconds.items(), key=lambda item: -item[1])[:8]:
        print(f"  {s:6.2f} s  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
