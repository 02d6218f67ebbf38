"""`pathways` command line: the nightly job and its steps, the demo and the benchmark."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ingest.paths import DBT_PROJECT_DIR, DEFAULT_REGISTRY, duckdb_path, work_dir
from ingest.privacy import owner_only
from ingest.registry import District, load_registry


def _select(districts: list[District], wanted: list[str] | None) -> list[District]:
    if not wanted:
        return [d for d in districts if d.status != "paused"]
    known = {d.id: d for d in districts}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise SystemExit(f"unknown district(s) {unknown}; registry has {sorted(known)}")
    return [known[w] for w in wanted]


def _print_failures(report) -> None:
    failures = report.failures()
    if failures:
        print("\nNIGHT FAILED:\n" + "\n".join(f"  {f}" for f in failures), file=sys.stderr)


def _approval_reports(districts: list[District]) -> None:
    """The night's last step: each district's approval page (<work dir>/reports/<id>.html,
    as `pathways validate`) and a one-line verdict. Informative: it never changes the exit
    code (the night's own failures decide it); a warehouse it cannot read is said so."""
    from ingest.validation_report import collect, verdict_line, write_reports

    try:
        validations = collect(duckdb_path(), [d for d in districts if d.status != "paused"])
        out = work_dir() / "reports"
        write_reports(validations, out)
    except Exception as err:  # e.g. the build failed before the validation models existed
        print(f"\napproval reports not written ({type(err).__name__}: {err})", file=sys.stderr)
        return
    ready = sum(v.ready for v in validations)
    print(f"\napproval ({ready} of {len(validations)} ready for training; pages in {out}):")
    for v in validations:
        print(f"  {verdict_line(v)}")


def cmd_nightly(args) -> int:
    from ingest.night import format_report, run_night

    districts = load_registry(args.registry)
    report = run_night(
        _select(districts, args.district),
        all_districts=districts,
        wait=args.wait,
        force_build=args.full,
    )
    print(format_report(report))
    _approval_reports(_select(districts, args.district))
    _print_failures(report)
    return 1 if report.failed else 0


def cmd_ingest(args) -> int:
    from ingest.night import NightReport, format_report, ingest_districts
    from ingest.runs import exclusive_run

    districts = load_registry(args.registry)
    report = NightReport()
    with exclusive_run("ingest", wait=args.wait) as run:
        ingest_districts(_select(districts, args.district), duckdb_path(), report, districts, run)
    print(format_report(report))
    failures = [f for f in report.failures() if f.startswith("district ")]
    if failures:
        print("\nINGEST FAILED:\n" + "\n".join(f"  {f}" for f in failures), file=sys.stderr)
    return 1 if failures else 0


def _dbt_step(args, *dbt_args: str) -> int:
    from ingest.runs import exclusive_run
    from ingest.transform import run_dbt

    with exclusive_run(dbt_args[0], wait=args.wait):
        run = run_dbt(*dbt_args)
    for r in run.errors:
        print(
            f"{r.status.upper()} {r.resource_type} {r.name}: {r.message.strip()}", file=sys.stderr
        )
    return 0 if run.success and not run.errors else 1


def cmd_build(args) -> int:
    return _dbt_step(args, "build", *args.dbt_args)


def cmd_lake(args) -> int:
    """Raw and bookkeeping tables as parquet files (dlt filesystem destination) for Spark."""
    from ingest.lake import as_lake_url, export_lake
    from ingest.paths import lake_url
    from ingest.runs import exclusive_run

    lake = as_lake_url(args.out) if args.out else lake_url()
    with exclusive_run("lake", wait=args.wait):
        tables = export_lake(duckdb_path(), lake)
    print(f"{len(tables)} tables, {sum(t.rows for t in tables):,} rows -> {lake}")
    print(
        f"then, with PATHWAYS_LAKE_URL={lake}: "
        "dbt run-operation register_lake_sources --target spark"
    )
    return 0


def cmd_freshness(args) -> int:
    return _dbt_step(args, "source", "freshness")


def cmd_docs(args) -> int:
    return _dbt_step(args, "docs", "generate")


def cmd_release(args) -> int:
    from ingest.admin import AdminError, release_file
    from ingest.runs import exclusive_run

    try:
        with exclusive_run("release", wait=args.wait):
            done = release_file(duckdb_path(), args.district, args.file, args.note)
    except AdminError as err:
        print(err, file=sys.stderr)
        return 2
    print(
        f"{args.district}: {args.file} ({done['dataset']}) released by {done['released_by']}; "
        "staging reads it after the next `pathways build` or nightly run"
    )
    return 0


def cmd_purge(args) -> int:
    from ingest.admin import purge_district
    from ingest.runs import exclusive_run

    if not args.yes:
        print(
            f"purge deletes every row of district {args.district} from the warehouse; "
            "pass --yes to confirm",
            file=sys.stderr,
        )
        return 2
    with exclusive_run("purge", wait=args.wait):
        deleted = purge_district(duckdb_path(), args.district)
    for table, rows in deleted.items():
        print(f"  {table:<50} {rows:>9,} rows deleted")
    print(f"{args.district}: purged ({sum(deleted.values()):,} rows); the database was rewritten")
    if any(d.id == args.district for d in load_registry(args.registry)):
        print(
            f"{args.district} is still in {args.registry}: remove it, or the next night loads "
            "it again",
            file=sys.stderr,
        )
    return 0


def cmd_generate(args) -> int:
    from ingest.demo import write_night

    districts = _select(load_registry(args.registry), args.district)
    generated = write_night(districts, Path(args.out), args.night, args.students)
    for g in generated.values():
        print(f"{g.district_id}: {g.folder}  " + ", ".join(f"{k}={v}" for k, v in g.rows.items()))
    return 0


def cmd_demo(args) -> int:
    from ingest.demo import serve_districts, write_night
    from ingest.night import format_report, run_night

    districts = load_registry(args.registry)
    # the demo wrote its files before serving them: a short stability wait is enough
    os.environ.setdefault("GUARDS__STABLE_SECONDS", "2")
    demo_dir = work_dir() / "demo"
    generated = write_night(districts, demo_dir / "sftp", args.night, args.students)
    with serve_districts(districts, demo_dir / "sftp", demo_dir / "servers") as servers:
        kinds = sorted({s.kind for s in servers.values()})
        print(
            f"serving {len(servers)} demo districts on 127.0.0.1 (SFTP or the PowerSchool API: "
            f"{', '.join(kinds)})"
        )
        report = run_night(
            districts, all_districts=districts, wait=args.wait, force_build=args.full
        )
    print(format_report(report))
    _print_failures(report)
    print("\nexpected from the generator vs. in the marts:")
    mismatches = 0
    for district_id, expected in generated.items():
        got = {m: report.mart_rows.get(district_id, {}).get(m, -1) for m in expected.expected_marts}
        # every generated row is in the marts or rejected with a reason (cedar_bend_isd's
        # marks wait for its own term codes): the shortfall must be the rejected rows
        shortfall = sum(rows - got[m] for m, rows in expected.expected_marts.items())
        rejected = report.rejected_rows.get(district_id, 0)
        for mart, rows in expected.expected_marts.items():
            if got[mart] == rows:
                mark = "ok"
            elif got[mart] < rows and shortfall == rejected:
                mark = f"ok: {rows - got[mart]:,} in validation.rejected_rows"
            else:
                mark = "MISMATCH"
                mismatches += 1
            print(
                f"  {district_id:<24} {mart:<26} expected {rows:>7,}  got {got[mart]:>7,}  {mark}"
            )
    _approval_reports(districts)
    print(f"\nwarehouse: {duckdb_path()}")
    print(f"docs: {DBT_PROJECT_DIR / 'target' / 'index.html'}")
    return 1 if report.failed or mismatches else 0


def cmd_validate(args) -> int:
    """Read-only: no run lock; the warehouse is opened read-only (refused while a run writes)."""
    import duckdb

    from ingest.validation_report import collect, render_terminal, write_reports

    districts = _select(load_registry(args.registry), args.district)
    if not duckdb_path().is_file():
        print(f"no warehouse at {duckdb_path()}: run `pathways nightly` first", file=sys.stderr)
        return 1
    try:
        validations = collect(duckdb_path(), districts)
    except duckdb.CatalogException:
        print(
            f"the warehouse {duckdb_path()} has no validation models yet: run `pathways nightly` "
            "(or `pathways build`) first",
            file=sys.stderr,
        )
        return 1
    except duckdb.IOException as err:
        print(
            f"NOT RUN: cannot open the warehouse {duckdb_path()} read-only ({type(err).__name__}); "
            "another run is writing it: try again once it ends",
            file=sys.stderr,
        )
        return 75
    out = Path(args.out) if args.out else work_dir() / "reports"
    written = write_reports(validations, out)
    for v in validations:
        print(render_terminal(v, written[v.district_id]) + "\n")
    ready = sum(v.ready for v in validations)
    print(f"{ready} of {len(validations)} district(s) ready for training")
    return 0 if ready == len(validations) else 1


def cmd_powerschool_plugin(args) -> int:
    from ingest.powerschool.plugin import query_file_name, requested_fields, write_plugin_zip
    from ingest.powerschool.queries import load_queries

    queries = load_queries()
    out = write_plugin_zip(Path(args.out), queries)
    print(f"wrote {out}: plugin.xml ({len(requested_fields(queries))} fields requested, ViewOnly)")
    for query in queries.values():
        print(f"  {query_file_name(query)}  ({len(query.columns)} columns)")
    return 0


def cmd_onboard(args) -> int:
    from ingest.onboard import onboard

    return onboard(
        args.district,
        Path(args.from_folder),
        sis=args.sis,
        state=args.state,
        registry=args.registry,
        build=not args.no_build,
    )


def cmd_benchmark(args) -> int:
    from ingest.benchmark import run_api_benchmark, run_benchmark

    scratch = Path(args.scratch) if args.scratch else None
    if args.scale:
        from ingest.scale_benchmark import parse_scales, run_scale_benchmark

        files = Path(args.files).resolve() if args.files else None
        print(run_scale_benchmark(parse_scales(args.scales), scratch, args.keep, files))
        return 0
    if args.case in ("all", "files"):
        print(run_benchmark(args.rows, scratch, repeat=args.repeat))
    if args.case in ("all", "api"):
        print(run_api_benchmark(args.api_rows, scratch))
    return 0


def cmd_worksheet_template(args) -> int:
    from ingest.worksheets import template

    districts = {d.id: d for d in load_registry(args.registry)}
    if args.district not in districts:
        print(f"{args.district} is not in {args.registry}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(template(districts[args.district]), encoding="utf-8")
    print(f"wrote {out}: fill in expected_count (and tolerance_pct) on every line")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pathways", description=__doc__)
    parser.add_argument(
        "--registry",
        type=Path,
        default=DEFAULT_REGISTRY,
        help="district registry YAML (default: districts.yml)",
    )
    parser.add_argument("--db", type=Path, help="DuckDB file (default: .pathways/pathways.duckdb)")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func, help_text: str, districts: bool = False):
        p = sub.add_parser(name, help=help_text)
        p.set_defaults(func=func)
        if districts:
            p.add_argument("--district", action="append", help="only this district (repeatable)")
        p.add_argument(
            "--wait",
            type=float,
            default=0,
            metavar="SECONDS",
            help="wait this long for another run to finish (default: fail at once)",
        )
        return p

    full_help = (
        "build and generate the docs even when nothing is new since the last build (by "
        "default such a night judges freshness and its bookkeeping, and keeps the marts); "
        "dbt's unit tests still run only when the project changed"
    )
    night = add(
        "nightly",
        cmd_nightly,
        "ingest -> source freshness -> dbt build -> report -> docs",
        districts=True,
    )
    night.add_argument("--full", "--force-build", action="store_true", help=full_help)
    add("ingest", cmd_ingest, "fetch and load the districts' files into raw", districts=True)
    b = add("build", cmd_build, "dbt build (extra arguments go to dbt)")
    b.add_argument("dbt_args", nargs=argparse.REMAINDER)
    add("freshness", cmd_freshness, "dbt source freshness")
    lake = add("lake", cmd_lake, "raw tables as parquet files for the spark target (dlt)")
    lake.add_argument(
        "--out",
        help="lake folder or URL (default: PATHWAYS_LAKE_URL, else .pathways/lake)",
    )
    add("docs", cmd_docs, "dbt docs generate (dbt_project/target/index.html)")
    for name, func, text in (
        ("generate", cmd_generate, "write synthetic district files"),
        ("demo", cmd_demo, "synthetic districts over SFTP and the PowerSchool API, end to end"),
    ):
        p = add(name, func, text, districts=(name == "generate"))
        p.add_argument(
            "--night",
            type=date.fromisoformat,
            # the deadline's zone: run in a US evening, the night is still that evening's
            default=datetime.now(ZoneInfo("America/Chicago")).date(),
            help="the night the files are for (YYYY-MM-DD, default today in Central time)",
        )
        p.add_argument("--students", type=int, help="students per district (default: registry)")
        if name == "generate":
            p.add_argument("--out", required=True, help="folder to write <district>/... into")
        else:
            p.add_argument("--full", "--force-build", action="store_true", help=full_help)
    rel = add("release", cmd_release, "let a held file become the district's data (recorded)")
    rel.add_argument("--district", required=True)
    rel.add_argument("--file", required=True, help="the held file's name, as in the manifest")
    rel.add_argument("--note", help="why (kept in pathways_meta.file_releases)")
    purge = add("purge", cmd_purge, "delete a district's data everywhere it is kept")
    purge.add_argument("--district", required=True)
    purge.add_argument("--yes", action="store_true", help="confirm")
    bench = add(
        "benchmark",
        cmd_benchmark,
        "ingest time of a big grades file vs DuckDB read_csv, and of a big PowerSchool "
        "query vs a bare HTTP loop",
    )
    bench.add_argument("--case", choices=("all", "files", "api"), default="all")
    bench.add_argument("--rows", type=int, default=1_000_000, help="rows of the grades file")
    bench.add_argument(
        "--api-rows", type=int, default=200_000, help="records of the PowerSchool query"
    )
    bench.add_argument("--scratch", help="folder for the benchmark files (default: a temp dir)")
    bench.add_argument(
        "--scale",
        action="store_true",
        help="the whole demo night (SFTP, ingest, freshness, dbt build, docs) at growing "
        "numbers of students, against DuckDB's own read of the same files",
    )
    bench.add_argument(
        "--scales",
        default="1,10,100",
        help="with --scale: multiples of the registry's demo students (default 1,10,100)",
    )
    bench.add_argument(
        "--files",
        help="with --scale: keep each scale's generated files in this folder and reuse them "
        "next time (same night and sizes; generating 100x takes minutes)",
    )
    bench.add_argument(
        "--keep",
        action="store_true",
        help="with --scale and --scratch: keep each scale's files, warehouse and logs",
    )
    bench.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="file case: run each side this many times, show the fastest (default 1)",
    )

    val = sub.add_parser(
        "validate",
        help="approval report per district: terminal summary and an HTML page (read-only)",
    )
    val.set_defaults(func=cmd_validate)
    val.add_argument("--district", action="append", help="only this district (repeatable)")
    val.add_argument("--out", help="folder for <district>.html (default: <work dir>/reports)")

    onb = sub.add_parser(
        "onboard",
        help="recognize a new district's first files, propose its registry entry, load and "
        "build it alone into a trial warehouse, list unmapped codes and export fixes",
    )
    onb.set_defaults(func=cmd_onboard)
    onb.add_argument("--district", required=True, help="the district id to propose")
    onb.add_argument("--from", dest="from_folder", required=True, help="folder of its files")
    onb.add_argument("--sis", help="the SIS, when known (powerschool: no files, the API)")
    onb.add_argument("--state", choices=("TX", "IN"), help="default: from the state-ID shapes")
    onb.add_argument("--no-build", action="store_true", help="recognize and propose only")

    plugin = sub.add_parser(
        "powerschool-plugin",
        help="write the PowerSchool plugin zip (plugin.xml and the PowerQueries) to upload",
    )
    plugin.set_defaults(func=cmd_powerschool_plugin)
    plugin.add_argument("--out", required=True, help="the zip file to write")

    sheet = sub.add_parser(
        "worksheet-template",
        help="write a Data Validation Worksheet to fill in (one line per school and grade)",
    )
    sheet.set_defaults(func=cmd_worksheet_template)
    sheet.add_argument("--district", required=True)
    sheet.add_argument("--out", required=True, help="the CSV file to write")

    args = parser.parse_args(argv)
    owner_only()  # whatever the umask: warehouse, work and scratch files are owner-only
    if args.db:
        os.environ["PATHWAYS_DUCKDB_PATH"] = str(args.db.resolve())
    from ingest.runs import RunLocked

    try:
        return args.func(args)
    except RunLocked as err:  # every writing command holds the run lock
        print(f"NOT RUN: {err}", file=sys.stderr)
        return 75  # EX_TEMPFAIL: try again later


if __name__ == "__main__":
    sys.exit(main())
