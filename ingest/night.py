"""The nightly job: ingest every active district, then source freshness, dbt build, a
report per district and dbt docs. DuckDB has one writer, so the steps run in sequence
(districts are fetched side by side, their warehouse work taking turns), and one run at a
time holds the work folder (ingest.runs).

A night that grows with the data: when no district sent anything new (no file `loaded` or
`held`: every file a duplicate, missing, stale, unstable or rejected, every API answer
unchanged) and nothing the build reads changed since the last build (ingest.build_inputs),
the night skips `dbt build` and `dbt docs`: the marts and the test results stay the last
build's, and it says so. It still judges source freshness and rebuilds the models that show
its own bookkeeping (selector `night_bookkeeping`: load_summary, district_runs and their
tests), so the run log, the arrival before the cutoff and `pathways validate` stay true.
`force_build` (`pathways nightly --full`) builds and generates the docs anyway.

One district's failure never stops the others or the build: it is recorded in the run log
and the report, and the night ends non-zero naming every district and file held back."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest import build_inputs, warehouse, worksheets
from ingest.declarations import load_declarations
from ingest.paths import dbt_project_dir, duckdb_path
from ingest.pipeline import DistrictNight, ingest_district
from ingest.privacy import describe_error
from ingest.registry import API_TRANSFER, District
from ingest.runs import Run, exclusive_run, write_run_log
from ingest.transfer import TransferError
from ingest.transform import (
    NO_UNIT_TESTS,
    DbtError,
    DbtRun,
    read_build_results,
    run_dbt,
    saved_run,
    write_build_results,
)

MARTS = (
    "dim_school",
    "dim_student",
    "dim_staff",
    "dim_course",
    "fct_course_request",
    "fct_student_grade",
    "fct_student_gpa",
    "fct_student_certification",
)
# A file with one of these statuses put new rows in raw tonight: the build runs.
NEW_DATA = ("loaded", "held")
INGEST_WORKERS_ENV = "PATHWAYS_INGEST_WORKERS"
DEFAULT_INGEST_WORKERS = 3
# dbt without its JSON artifacts (manifest.json, run_results.json, sources.json)
NO_ARTIFACTS = ("--no-write-json",)
# Statuses of a kept build that broke rather than judged the data: the next night retries.
BROKEN = ("error", "runtime error")


@dataclass
class NightReport:
    nights: list[DistrictNight] = field(default_factory=list)
    district_errors: dict[str, str] = field(default_factory=dict)  # district -> why it failed
    # district -> why its Data Validation Worksheet could not be read (ingest/worksheets.py)
    worksheet_errors: dict[str, str] = field(default_factory=dict)
    freshness: DbtRun | None = None
    build: DbtRun | None = None
    docs: DbtRun | None = None
    mart_rows: dict[str, dict[str, int]] = field(default_factory=dict)
    rejected_rows: dict[str, int] = field(default_factory=dict)
    run_id: str | None = None
    run_log: list[tuple] = field(default_factory=list)  # (step, district, status) of this run
    # the run whose build the marts hold, when this night skipped its build (nothing new)
    build_skipped_since: str | None = None
    build_reason: str | None = None  # why the build ran (or why it was skipped)
    bookkeeping: DbtRun | None = None  # a skipped night's rebuild of its bookkeeping models
    # the run whose dbt unit tests hold, when tonight's build left them out (same project)
    unit_tests_since: str | None = None
    timings: dict[str, float] = field(default_factory=dict)  # step -> seconds

    def failures(self) -> list[str]:
        """Every district and file that failed or was held back, and a failed build."""
        found = [f"district {d}: FAILED ({why})" for d, why in self.district_errors.items()]
        found += [f"district {d}: WORKSHEET ({why})" for d, why in self.worksheet_errors.items()]
        for night in self.nights:
            found += [
                f"district {night.district.id}: {f.label} {f.status.upper()}"
                for f in night.held_back
            ]
        if self.build_skipped_since and self.bookkeeping is None:
            found.append("the night's bookkeeping (load_summary, district_runs) did not rebuild")
        if self.build is None:
            found.append("dbt build did not complete")
        else:
            found += [f"{r.resource_type} {r.name}: {r.status}" for r in self.build.errors]
            if not self.build.success and not self.build.errors:
                found.append("dbt build did not succeed")
        return found

    @property
    def failed(self) -> bool:
        return bool(self.failures())


def ingest_districts(
    districts: Sequence[District],
    db_path: Path,
    report: NightReport,
    all_districts: Sequence[District] | None = None,
    run: Run | None = None,
) -> None:
    """Every active district, each in isolation, up to ingest_workers() at once; one
    run-log row per district, in the registry's order."""
    run = run or Run("ingest")
    report.run_id = run.run_id
    declarations = load_declarations()
    with warehouse.connect(db_path) as con:
        warehouse.prepare(con, warehouse.raw_tables(declarations))
        warehouse.write_registry(con, all_districts or districts)
        # a malformed worksheet is reported and keeps its last good copy; the night goes on
        report.worksheet_errors.update(worksheets.write_worksheets(con, all_districts or districts))
    active = [d for d in districts if d.status != "paused"]

    def ingest_one(district: District) -> tuple[DistrictNight | None, str | None, dict]:
        started, night, why = datetime.now(UTC), None, None
        try:
            night = ingest_district(
                district, db_path=db_path, declarations=declarations, run_id=run.run_id
            )
        except TransferError as err:  # its server is down or refuses us: the others go on
            why = str(err)
        except Exception as err:  # a crash in one district never stops the night
            why = (
                f"the ingest stopped ({describe_error(err)}); nothing of this district was "
                "loaded tonight and yesterday's data stays; report this to the Pathways team"
            )
        return night, why, {"started_at": started, "ended_at": datetime.now(UTC)}

    # Side by side: a district's wait on its server (SFTP, a PowerSchool API's pages) overlaps
    # with another's; their warehouse work takes turns (warehouse.WRITER). API districts,
    # page by page over the network, start first.
    slow_first = sorted(active, key=lambda d: d.transfer_method != API_TRANSFER)
    with ThreadPoolExecutor(max_workers=ingest_workers(), thread_name_prefix="ingest") as pool:
        futures = {d.id: pool.submit(ingest_one, d) for d in slow_first}
        for district in active:  # reported in the registry's order
            night, why, times = futures[district.id].result()
            if night is None:
                row = _failed(report, run, district.id, why or "")
            else:
                report.nights.append(night)
                row = _district_row(run, night)
            write_run_log([row | times], db_path)


def ingest_workers() -> int:
    """Districts fetched at once (PATHWAYS_INGEST_WORKERS, default 3)."""
    return max(1, int(os.environ.get(INGEST_WORKERS_ENV) or DEFAULT_INGEST_WORKERS))


def _failed(report: NightReport, run: Run, district_id: str, why: str) -> dict:
    report.district_errors[district_id] = why
    return run.log_row("ingest", "failed", district_id=district_id, message=why)


def _district_row(run: Run, night: DistrictNight) -> dict:
    files = [f for f in night.files if f.status != "missing"]
    loaded = [f for f in night.files if f.status == "loaded"]
    message = "; ".join([f"{f.label} {f.status}" for f in night.held_back] + night.notes)
    return run.log_row(
        "ingest",
        night.status,
        district_id=night.district.id,
        files_received=len(files),
        files_loaded=len(loaded),
        files_failed=len(night.held_back),
        rows_loaded=sum(f.entry.get("rows_loaded") or 0 for f in loaded),
        message=message or None,
    )


def run_night(
    districts: Sequence[District],
    *,
    db_path: Path | None = None,
    all_districts: Sequence[District] | None = None,
    docs: bool = True,
    wait: float = 0,
    force_build: bool = False,
) -> NightReport:
    """The whole night under the run lock (RunLocked when another run holds it). With
    nothing new since the last build, the build and the docs are skipped (module docstring)
    unless `force_build`."""
    db_path = db_path or duckdb_path()
    report = NightReport()
    with exclusive_run("nightly", wait=wait, db_path=db_path) as run:
        with _timed(report, "ingest"):
            ingest_districts(districts, db_path, report, all_districts, run)
        with _timed(report, "freshness"):
            # NO_ARTIFACTS: nobody reads its sources.json, and the manifest.json the docs
            # embed stays the last build's (writing them costs ~0.7 s a dbt step)
            report.freshness = _dbt_or_none("source", "freshness", *NO_ARTIFACTS, db_path=db_path)
        with _timed(report, "fingerprint"):
            inputs = build_inputs.fingerprint(db_path)
            kept = read_build_results(db_path)
            skip_since = _skip_since(report, kept, inputs, force_build)
        if skip_since:
            report.build_skipped_since = skip_since
            # before the bookkeeping rebuild, so that district_runs shows this night's dbt row
            write_run_log([_skipped_row(run, skip_since, kept)], db_path)
            with _timed(report, "bookkeeping"):
                report.bookkeeping = _dbt_or_none(
                    "build",
                    "--selector",
                    "night_bookkeeping",
                    *NO_UNIT_TESTS,
                    *NO_ARTIFACTS,
                    db_path=db_path,
                    merge=True,
                )
            report.build = saved_run(read_build_results(db_path) or kept)
        else:
            report.unit_tests_since = _unit_tests_since(kept, inputs)
            args = NO_UNIT_TESTS if report.unit_tests_since else ()
            with _timed(report, "build"):
                report.build = _dbt_or_none("build", *args, db_path=db_path)
            write_run_log([_dbt_row(run, report.build)], db_path)
            _remember_inputs(report, db_path, run.run_id, inputs, kept)
        if report.build:
            collect_counts(report, db_path, [d.id for d in districts])
        static_docs = dbt_project_dir() / "target" / "static_index.html"
        if docs and not (skip_since and static_docs.is_file()):
            # --static: one self-contained page (static_index.html) to publish as is.
            # --no-compile after tonight's build when it succeeded: the manifest.json it
            # wrote holds every model compiled (compiling them all again cost ~8 s of the
            # demo night's ~50 s); a failed build skipped some, which docs compile then
            built = not skip_since and report.build is not None and report.build.success
            compiled = ("--no-compile",) if built else ()
            with _timed(report, "docs"):
                docs_args = ("docs", "generate", "--static", *compiled)
                report.docs = _dbt_or_none(*docs_args, db_path=db_path)
    return report


class _timed:
    """Seconds of one step of the night, into report.timings."""

    def __init__(self, report: NightReport, step: str):
        self.report, self.step = report, step

    def __enter__(self):
        self.started = time.perf_counter()

    def __exit__(self, *exc):
        self.report.timings[self.step] = round(time.perf_counter() - self.started, 2)


def new_data(report: NightReport) -> list[str]:
    """The files that put new rows in raw tonight (NEW_DATA), as `district: file status`."""
    return [
        f"{night.district.id}: {f.label} {f.status}"
        for night in report.nights
        for f in night.files
        if f.status in NEW_DATA
    ]


def _skip_since(
    report: NightReport, kept: dict | None, inputs: dict[str, str], force_build: bool
) -> str | None:
    """The run of the last build when this night may keep it, else None; the reason either
    way goes to report.build_reason."""
    last = (kept or {}).get("night") or {}
    since = last.get("run_id")
    new = new_data(report)
    changed = build_inputs.changed(last.get("inputs"), inputs)
    broken = [n.get("name") for n in (kept or {}).get("results", []) if n.get("status") in BROKEN]
    if force_build:
        report.build_reason = "the whole night was asked for (--full)"
    elif not since:
        report.build_reason = "no earlier build of a night to keep"
    elif new:
        more = f" and {len(new) - 3} more" if len(new) > 3 else ""
        report.build_reason = "new tonight: " + ", ".join(new[:3]) + more
    elif changed:
        report.build_reason = f"changed since run {since}: " + ", ".join(changed)
    elif broken:
        report.build_reason = f"the build of run {since} broke ({', '.join(broken[:3])}): again"
    else:
        report.build_reason = f"nothing new since run {since}: build skipped, marts unchanged"
        return since
    return None


def _unit_tests_since(kept: dict | None, inputs: dict[str, str]) -> str | None:
    """The run whose dbt unit tests still hold, when the project (code, seeds, dbt's
    version) is the same as then: unit tests read no data, so a night whose project did not
    change keeps their results instead of running them again (dbt's own advice: unit tests
    belong where the code changes), a forced night (`--full`) too: it forces the build for
    the data. None: run them tonight."""
    last = (kept or {}).get("night") or {}
    if not last.get("unit_tests_run_id"):
        return None
    if (last.get("inputs") or {}).get("project") != inputs.get("project"):
        return None
    units = [n for n in kept.get("results", []) if n.get("resource_type") == "unit_test"]
    if not units or any(n.get("status") != "pass" for n in units):  # a failure runs again
        return None
    return last["unit_tests_run_id"]


def _remember_inputs(
    report: NightReport, db_path: Path, run_id: str, inputs: dict, before: dict | None
) -> None:
    """Keep this build's inputs with its results, for the next night to compare; a build
    that left the unit tests out carries the results of the run that ran them."""
    kept = read_build_results(db_path)
    if report.build is None or kept is None:
        return
    unit_run = run_id
    if report.unit_tests_since:
        unit_run = report.unit_tests_since
        kept["results"] += [
            n for n in (before or {}).get("results", []) if n.get("resource_type") == "unit_test"
        ]
    kept["night"] = {
        "run_id": run_id,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": inputs,
        "unit_tests_run_id": unit_run,
    }
    write_build_results(db_path, kept)


def _skipped_row(run: Run, since: str, kept: dict | None) -> dict:
    failed = [
        f"{n.get('resource_type')} {n.get('name')}: {n.get('status')}"
        for n in (kept or {}).get("results", [])
        if n.get("status") in ("fail", *BROKEN)
    ]
    message = f"nothing new since run {since}: build skipped, marts unchanged"
    if failed:
        message += "; that build: " + "; ".join(failed)
    return run.log_row("dbt", "skipped", message=message)


def _dbt_row(run: Run, build: DbtRun | None) -> dict:
    if build is None:
        return run.log_row("dbt", "failed", message="dbt build could not run")
    failed = [f"{r.resource_type} {r.name}: {r.status}" for r in build.errors]
    status = "ok" if build.success and not failed else "failed"
    return run.log_row("dbt", status, message="; ".join(failed) or None)


def _dbt_or_none(*args: str, db_path: Path, merge: bool = False) -> DbtRun | None:
    try:
        return run_dbt(*args, db_path=db_path, quiet=True, merge_results=merge)
    except DbtError:
        return None


def collect_counts(report: NightReport, db_path: Path, district_ids: Sequence[str]) -> None:
    with duckdb.connect(str(db_path), read_only=True) as con:
        for district_id in district_ids:
            report.mart_rows[district_id] = {
                mart: con.execute(
                    f"select count(*) from marts.{mart} where district_id = ?", [district_id]
                ).fetchone()[0]
                for mart in MARTS
            }
            report.rejected_rows[district_id] = con.execute(
                "select count(*) from validation.rejected_rows where district_id = ?", [district_id]
            ).fetchone()[0]
        if report.run_id:  # the report reads the run log the warehouse keeps
            report.run_log = con.execute(
                f"select step, district_id, status from {warehouse.META}.run_log "
                "where run_id = ? order by started_at, district_id",
                [report.run_id],
            ).fetchall()


def format_report(report: NightReport) -> str:
    lines = []
    for night in report.nights:
        d = night.district
        lines.append(f"\n== {d.id} ({d.name}, {d.state}, {d.sis}) ==")
        lines.append("files:")
        lines.extend(f"  {f.summary()}" for f in night.files)
        lines.extend(f"  note: {n}" for n in night.notes)
        rows = report.mart_rows.get(d.id, {})
        if rows:
            lines.append("marts: " + ", ".join(f"{m}={n:,}" for m, n in rows.items()))
            lines.append(
                f"rows rejected: {report.rejected_rows.get(d.id, 0):,} "
                "(see validation.rejected_rows)"
            )
    for district_id, error in report.district_errors.items():
        lines.append(f"\n== {district_id} == FAILED: {error}")
    for district_id, error in report.worksheet_errors.items():
        lines.append(f"\n== {district_id} == WORKSHEET NOT LOADED: {error}")
    if report.freshness:
        f = report.freshness
        lines.append(
            f"\nsource freshness: {f.count('pass')} pass, {f.count('warn')} warn, "
            f"{f.count('error', 'runtime error')} error"
        )
    if report.build_skipped_since:
        lines.append(f"dbt build: {report.build_reason}")
        if report.bookkeeping is not None:
            lines.append(
                f"  rebuilt the night's bookkeeping (load_summary, district_runs): "
                f"{report.bookkeeping.count('success')} models, "
                f"{report.bookkeeping.count('pass', 'warn', 'fail', 'error')} tests"
            )
    elif report.build_reason:
        lines.append(f"dbt build: runs, {report.build_reason}")
    if report.unit_tests_since:
        lines.append(
            f"dbt unit tests: not run, the project is unchanged since run "
            f"{report.unit_tests_since}, whose unit tests passed (they read no data)"
        )
    if report.build:
        b = report.build
        tests = ("test", "unit_test")
        passed = sum(b.count("pass", resource_type=t) for t in tests)
        warned = sum(b.count("warn", resource_type=t) for t in tests)
        failed = sum(b.count("fail", "error", resource_type=t) for t in tests)
        since = report.build_skipped_since
        kept = f" (kept from run {since})" if since else ""
        lines.append(
            f"dbt build{kept}: {b.count('success')} nodes built; tests {passed} passed, "
            f"{warned} warned, {failed} failed"
        )
        for r in b.results:
            if r.status in ("warn", "fail", "error", "runtime error"):
                lines.append(
                    f"  {r.status.upper():<5} {r.resource_type} {r.name}: {r.message.strip()[:200]}"
                )
    if report.docs:
        lines.append(f"dbt docs: {'generated' if report.docs.success else 'FAILED'}")
    elif report.build_skipped_since:
        lines.append(f"dbt docs: unchanged since run {report.build_skipped_since}")
    if report.timings:
        lines.append(
            "night: "
            + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in report.timings.items())
        )
    if report.run_log:
        by_status: dict[str, int] = {}
        for step, _, status in report.run_log:
            if step == "ingest":
                by_status[status] = by_status.get(status, 0) + 1
        lines.append(
            f"run {report.run_id}: districts "
            + ", ".join(f"{n} {status}" for status, n in sorted(by_status.items()))
            + " (pathways_meta.run_log, validation.district_runs)"
        )
    return "\n".join(lines)
