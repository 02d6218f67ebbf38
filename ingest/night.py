"""The nightly job: ingest every active district, then source freshness, dbt build, a
report per district and dbt docs. DuckDB has one writer, so the steps run in sequence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest import warehouse
from ingest.declarations import load_declarations
from ingest.paths import duckdb_path
from ingest.pipeline import DistrictNight, ingest_district
from ingest.registry import District
from ingest.transfer import TransferError
from ingest.transform import DbtRun, run_dbt

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
    transfer_errors: dict[str, str] = field(default_factory=dict)
    freshness: DbtRun | None = None
    build: DbtRun | None = None
    docs: DbtRun | None = None
    mart_rows: dict[str, dict[str, int]] = field(default_factory=dict)
    rejected_rows: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(
            self.transfer_errors
            or self.build is None
            or self.build.errors
            or not self.build.success
        )


def ingest_districts(
    districts: Sequence[District],
    db_path: Path,
    report: NightReport,
    all_districts: Sequence[District] | None = None,
) -> None:
    declarations = load_declarations()
    with warehouse.connect(db_path) as con:
        warehouse.prepare(con, (d for ds in declarations.values() for d in ds))
        warehouse.write_registry(con, all_districts or districts)
    for district in districts:
        if district.status == "paused":
            continue
        try:
            report.nights.append(
                ingest_district(district, db_path=db_path, declarations=declarations)
            )
        except TransferError as err:  # one district's server being down must not stop the rest
            report.transfer_errors[district.id] = str(err)


def run_night(
    districts: Sequence[District],
    *,
    db_path: Path | None = None,
    all_districts: Sequence[District] | None = None,
    docs: bool = True,
) -> NightReport:
    db_path = db_path or duckdb_path()
    report = NightReport()
    ingest_districts(districts, db_path, report, all_districts)
    report.freshness = run_dbt("source", "freshness", db_path=db_path, quiet=True)
    report.build = run_dbt("build", db_path=db_path, quiet=True)
    collect_counts(report, db_path, [d.id for d in districts])
    if docs:
        # --static: one self-contained page (static_index.html) that can be published as is
        report.docs = run_dbt("docs", "generate", "--static", db_path=db_path, quiet=True)
    return report


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


def format_report(report: NightReport) -> str:
    lines = []
    for night in report.nights:
        d = night.district
        lines.append(f"\n== {d.id} ({d.name}, {d.state}, {d.sis}) ==")
        lines.append("files:")
        lines.extend(f"  {f.summary()}" for f in night.files)
        rows = report.mart_rows.get(d.id, {})
        if rows:
            lines.append("marts: " + ", ".join(f"{m}={n:,}" for m, n in rows.items()))
            lines.append(
                f"rows rejected: {report.rejected_rows.get(d.id, 0):,} "
                "(see validation.rejected_rows)"
            )
    for district_id, error in report.transfer_errors.items():
        lines.append(f"\n== {district_id} == TRANSFER FAILED: {error}")
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
    return "\n".join(lines)
