"""The nightly job: ingest every active district, then source freshness, dbt build, a
report per district and dbt docs. DuckDB has one writer, so the steps run in sequence, and
one run at a time holds the work folder (ingest.runs).

One district's failure never stops the others or the build: it is recorded in the run log
and the report, and the night ends non-zero naming every district and file held back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest import warehouse, worksheets
from ingest.declarations import load_declarations
from ingest.paths import duckdb_path
from ingest.pipeline import DistrictNight, ingest_district
from ingest.privacy import describe_error
from ingest.registry import District
from ingest.runs import Run, exclusive_run, write_run_log
from ingest.transfer import TransferError
from ingest.transform import NIGHT_BUILD_ARGS, DbtError, DbtRun, run_dbt

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

    def failures(self) -> list[str]:
        """Every district and file that failed or was held back, and a failed build."""
        found = [f"district {d}: FAILED ({why})" for d, why in self.district_errors.items()]
        found += [f"district {d}: WORKSHEET ({why})" for d, why in self.worksheet_errors.items()]
        for night in self.nights:
            found += [
                f"district {night.district.id}: {f.label} {f.status.upper()}"
                for f in night.held_back
            ]
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
    """Every district in turn, each in isolation; one run-log row per district."""
    run = run or Run("ingest")
    report.run_id = run.run_id
    declarations = load_declarations()
    with warehouse.connect(db_path) as con:
        warehouse.prepare(con, warehouse.raw_tables(declarations))
        warehouse.write_registry(con, all_districts or districts)
        # a malformed worksheet is reported and keeps its last good copy; the night goes on
        report.worksheet_errors.update(worksheets.write_worksheets(con, all_districts or districts))
    for district in districts:
        if district.status == "paused":
            continue
        started = datetime.now(UTC)
        try:
            night = ingest_district(
                district, db_path=db_path, declarations=declarations, run_id=run.run_id
            )
        except TransferError as err:  # its server is down or refuses us: the others go on
            row = _failed(report, run, district.id, str(err))
        except Exception as err:  # a crash in one district never stops the night
            row = _failed(
                report,
                run,
                district.id,
                f"the ingest stopped ({describe_error(err)}); nothing of this district was "
                "loaded tonight and yesterday's data stays; report this to the Pathways team",
            )
        else:
            report.nights.append(night)
            row = _district_row(run, night)
        row["started_at"] = started
        write_run_log([row], db_path)


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
) -> NightReport:
    """The whole night under the run lock (RunLocked when another run holds it)."""
    db_path = db_path or duckdb_path()
    report = NightReport()
    with exclusive_run("nightly", wait=wait, db_path=db_path) as run:
        ingest_districts(districts, db_path, report, all_districts, run)
        report.freshness = _dbt_or_none("source", "freshness", db_path=db_path)
        report.build = _dbt_or_none("build", *NIGHT_BUILD_ARGS, db_path=db_path)
        write_run_log([_dbt_row(run, report.build)], db_path)
        if report.build:
            collect_counts(report, db_path, [d.id for d in districts])
        if docs:
            # --static: one self-contained page (static_index.html) that can be published as is
            report.docs = _dbt_or_none("docs", "generate", "--static", db_path=db_path)
    return report


def _dbt_row(run: Run, build: DbtRun | None) -> dict:
    if build is None:
        return run.log_row("dbt", "failed", message="dbt build could not run")
    failed = [f"{r.resource_type} {r.name}: {r.status}" for r in build.errors]
    status = "ok" if build.success and not failed else "failed"
    return run.log_row("dbt", status, message="; ".join(failed) or None)


def _dbt_or_none(*args: str, db_path: Path) -> DbtRun | None:
    try:
        return run_dbt(*args, db_path=db_path, quiet=True)
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
    if report.build:
        b = report.build
        tests = ("test", "unit_test")
        passed = sum(b.count("pass", resource_type=t) for t in tests)
        warned = sum(b.count("warn", resource_type=t) for t in tests)
        failed = sum(b.count("fail", "error", resource_type=t) for t in tests)
        lines.append(
            f"dbt build: {b.count('success')} nodes built; tests {passed} passed, "
            f"{warned} warned, {failed} failed"
        )
        for r in b.results:
            if r.status in ("warn", "fail", "error", "runtime error"):
                lines.append(
                    f"  {r.status.upper():<5} {r.resource_type} {r.name}: {r.message.strip()[:200]}"
                )
    if report.docs:
        lines.append(f"dbt docs: {'generated' if report.docs.success else 'FAILED'}")
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
