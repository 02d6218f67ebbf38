"""`pathways benchmark --scale`: the whole demo night at growing numbers of students.

Per scale (1 = the registry's demo students, 10 and 100 = ten and a hundred times each
district's students), in a fresh work dir and warehouse:

1. generate every demo district's files (all SIS, the PowerSchool district's records too);
2. serve them as the demo does (one SFTP server per district on 127.0.0.1, the PowerSchool
   emulator for the API district) from this process;
3. run the night (`ingest.night.run_night`: ingest, source freshness, dbt build, docs) in a
   fresh child process, timing each step, then two later nights on the same warehouse: one
   with nothing new (the same files served again), one with the build forced (as
   `pathways nightly --full`): the first night of a warehouse also parses the whole project
   and runs dbt's unit tests, which later nights leave out while the project is unchanged;
   the peak memory is the child's own high-water mark over all three
   (VmHWM: every thread, DuckDB and dbt included; not os.wait4's ru_maxrss, which Linux
   carries over from this forking process and its emulator's records);
4. in another fresh process, DuckDB's own read of the same files: `create table as select *
   from read_csv(...)` of every file with its declared dialect (`ingest.readers.read_csv_sql`;
   files not in UTF-8 are transcoded first, outside the timer, because DuckDB reads UTF-8
   only offline) and of the PowerSchool records (`read_json`, one newline-delimited file per
   PowerQuery, written outside the timer).

One table: students, raw MB, the night's steps, its peak memory, night / raw read and each
scale's growth against the one before (the "fixed cost", freshness + build + docs, of the
first night and of the later one are columns of their own). The generator's files and the
warehouse are deleted after each scale unless `--keep`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

RESULT_FILE = "night_timings.json"
# The PowerSchool emulator's maximum page size (its metadata): PowerSchool's default is 100,
# which at 100x (1.35 million records) is 13,500 requests; a district that size raises it.
# The file benchmark's API case uses the same (ingest/benchmark.py).
API_PAGE_SIZE = 1000
RAW_RESULT_FILE = "raw_read.json"


@dataclass
class ScaleResult:
    scale: int
    students: int
    raw_mb: float
    ingest_s: float
    raw_read_s: float
    freshness_s: float
    build_s: float
    docs_s: float
    night_s: float
    peak_mb: float
    # the later nights (_night_child), step -> seconds: "quiet" had nothing new, "later" was
    # forced whole (--full); a quiet night's "build" is its bookkeeping models
    later_steps: dict[str, dict[str, float]] = field(default_factory=dict)
    raw_read_peak_mb: float = 0.0
    generate_s: float = 0.0
    failures: list[str] = field(default_factory=list)
    slowest_models: list[tuple[str, float]] = field(default_factory=list)
    district_s: dict[str, float] = field(default_factory=dict)  # each district's ingest

    @property
    def fixed_s(self) -> float:
        """What does not read the files: source freshness + dbt build + docs."""
        return self.freshness_s + self.build_s + self.docs_s

    @property
    def later_fixed_s(self) -> float:
        """A regular night's freshness + build + docs (the forced later night's)."""
        later = self.later_steps.get("later", {})
        return sum(later.get(step, 0.0) for step in ("freshness", "build", "docs"))

    @property
    def full_night_s(self) -> float:
        return self.later_steps.get("later", {}).get("night", 0.0)

    @property
    def quiet_night_s(self) -> float:
        return self.later_steps.get("quiet", {}).get("night", 0.0)

    @property
    def quiet_per_full(self) -> float | None:
        """A night with nothing new over a regular full night (the issue: under 10%)."""
        return self.quiet_night_s / self.full_night_s if self.full_night_s > 0 else None

    @property
    def night_per_raw(self) -> float | None:
        return self.night_s / self.raw_read_s if self.raw_read_s > 0 else None


def growth(results: Sequence[ScaleResult]) -> list[float | None]:
    """Each scale's night time divided by the previous (smaller) scale's: None for the first.
    Ordered by scale whatever the order given; returned in the order given."""
    ordered = sorted(results, key=lambda r: r.scale)
    by_scale: dict[int, float | None] = {ordered[0].scale: None} if ordered else {}
    for before, after in zip(ordered, ordered[1:], strict=False):
        by_scale[after.scale] = after.night_s / before.night_s if before.night_s > 0 else None
    return [by_scale[r.scale] for r in results]


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


COLUMNS = (
    ("scale", 6),
    ("students", 9),
    ("raw MB", 7),
    ("ingest s", 9),
    ("DuckDB read s", 14),
    ("freshness s", 12),
    ("build s", 8),
    ("docs s", 7),
    ("fixed s", 8),
    ("later fixed s", 14),
    ("night s", 8),
    ("peak MB", 8),
    ("quiet night s", 14),
    ("quiet/full", 11),
    ("night/read", 11),
    ("night/prev", 11),
)


def format_table(results: Sequence[ScaleResult]) -> str:
    """One line per scale (smallest first). `fixed s` = freshness + build + docs (`later fixed
    s`: the same of a later night, _night_child); `quiet night s`: a night with nothing new,
    `quiet/full` its share of a later full night; `night/read`
    = night total / DuckDB's raw read of the same files; `night/prev` = night total / the
    previous scale's."""
    ordered = sorted(results, key=lambda r: r.scale)
    header = " ".join(f"{name:>{width}}" for name, width in COLUMNS)
    lines = [header, "-" * len(header)]
    for r, grew in zip(ordered, growth(ordered), strict=True):
        cells = (
            f"{r.scale}x",
            f"{r.students:,}",
            f"{r.raw_mb:,.0f}",
            f"{r.ingest_s:.1f}",
            f"{r.raw_read_s:.1f}",
            f"{r.freshness_s:.1f}",
            f"{r.build_s:.1f}",
            f"{r.docs_s:.1f}",
            f"{r.fixed_s:.1f}",
            f"{r.later_fixed_s:.1f}",
            f"{r.night_s:.1f}",
            f"{r.peak_mb:,.0f}",
            f"{r.quiet_night_s:.1f}",
            "-" if r.quiet_per_full is None else f"{r.quiet_per_full:.0%}",
            _ratio(r.night_per_raw),
            _ratio(grew),
        )
        lines.append(" ".join(f"{c:>{w}}" for c, (_, w) in zip(cells, COLUMNS, strict=True)))
    return "\n".join(lines)


def format_details(results: Sequence[ScaleResult]) -> str:
    lines = []
    for r in sorted(results, key=lambda r: r.scale):
        models = ", ".join(f"{name} {s:.1f}s" for name, s in r.slowest_models[:5])
        generated = f"generated in {r.generate_s:.0f} s" if r.generate_s else "files reused"
        lines.append(
            f"{r.scale}x: {generated}; DuckDB read peak "
            f"{r.raw_read_peak_mb:,.0f} MB; slowest dbt nodes: {models or '-'}"
        )
        for night, what in (("quiet", "nothing new"), ("later", "build forced")):
            steps = r.later_steps.get(night)
            if steps:
                lines.append(
                    f"  later night, {what}: "
                    + ", ".join(f"{step} {sec:.1f}s" for step, sec in steps.items())
                )
        if r.district_s:
            lines.append(
                "  ingest per district: "
                + ", ".join(f"{d} {s:.1f}s" for d, s in sorted(r.district_s.items()))
            )
        for failure in r.failures:
            lines.append(f"  night: {failure}")
    return "\n".join(lines)


def parse_scales(text: str) -> list[int]:
    """`1,10,100` -> [1, 10, 100] (each a positive whole number, in the order given)."""
    scales = []
    for part in text.split(","):
        part = part.strip().lower().removesuffix("x")
        if not part.isdigit() or int(part) < 1:
            raise SystemExit(
                f"--scales: {text!r} is not a list of positive whole numbers (1,10,100)"
            )
        scales.append(int(part))
    return scales


# --------------------------------------------------------------------------- the parent


def scaled_districts(scale: int):
    """The registry's demo districts (not paused) and each one's students at this scale."""
    from ingest.paths import DEFAULT_REGISTRY
    from ingest.registry import load_registry
    from ingest.simulation.generators import DEFAULT_STUDENTS

    districts = [d for d in load_registry(DEFAULT_REGISTRY) if d.status != "paused"]
    return [(d, int(d.demo.get("students", DEFAULT_STUDENTS)) * scale) for d in districts]


def _generate(scaled, root: Path, night: date) -> list[tuple[str, str, str]]:
    """Write each district's night under root/<district>/; returns (path inside root, owner,
    dataset) of every file written (what DuckDB's raw read reads; owner is the district, or
    the SIS for the PowerSchool records)."""
    from ingest.declarations import district_declarations
    from ingest.demo import API_RECORDS, write_night

    files: list[tuple[str, str, str]] = []
    for district, students in scaled:
        generated = write_night([district], root, night, students)[district.id]
        decls = district_declarations(district, platform=True)
        for path in generated.paths:
            where = path.relative_to(root).as_posix()
            if path.name == API_RECORDS:
                files.append((where, district.sis, "records"))
                continue
            inside = path.relative_to(generated.folder).as_posix()
            decl = next((d for d in decls if d.matches(inside)), None)
            if decl is None:
                raise RuntimeError(f"{district.id}: no declaration matches {path.name}")
            files.append((where, district.id, decl.dataset))
    return files


def district_files(scaled, root: Path, night: date) -> tuple[list[tuple[str, str, str]], float]:
    """The scale's generated files under root (written now, or reused when root already holds
    this night's at these sizes: generating 100x takes minutes). Returns the files and the
    seconds generating took (0 when reused)."""
    marker = root / "generated.json"
    sizes = {d.id: n for d, n in scaled}
    if marker.is_file():
        done = json.loads(marker.read_text())
        if done.get("night") == night.isoformat() and done.get("students") == sizes:
            return [tuple(f) for f in done["files"]], 0.0
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    start = time.perf_counter()
    files = _generate(scaled, root, night)
    seconds = time.perf_counter() - start
    marker.write_text(json.dumps({"night": night.isoformat(), "students": sizes, "files": files}))
    return files, seconds


def _run_child(args: list[str], env: dict[str, str], log: Path) -> tuple[int, float]:
    """Run `python -m ingest.scale_benchmark ARGS`; returns (exit status, the child's
    ru_maxrss in MB from os.wait4). That figure is not used as the peak: Linux carries the
    forking parent's high-water mark across exec (this process holds the PowerSchool
    emulator's records, 3 GB at 100x), so each child reports its own VmHWM instead."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ingest.scale_benchmark", *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss / 1024


def peak_rss_mb() -> float:
    """This process's peak resident memory, all threads (VmHWM of /proc/self/status: the
    memory of this program only, not of the process it was forked from)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource  # not Linux: the rusage figure

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_scale(
    scale: int, root: Path, night: date, keep: bool = False, files_root: Path | None = None
) -> ScaleResult:
    from ingest.demo import serve_districts

    work = root / f"scale-{scale}"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    scaled = scaled_districts(scale)
    sftp = (files_root or work / "demo") / f"{scale}x"
    found, generate_s = district_files(scaled, sftp, night)
    files = [(str(sftp / where), owner, dataset) for where, owner, dataset in found]
    raw_mb = sum(Path(p).stat().st_size for p, _, _ in files) / 1e6
    (work / "files.json").write_text(json.dumps(files))

    env = dict(os.environ)
    env["PATHWAYS_WORK_DIR"] = str(work)
    env.pop("PATHWAYS_DUCKDB_PATH", None)
    env["GUARDS__STABLE_SECONDS"] = "2"  # as the demo: the files were written before serving
    if scale != 1:  # the demo's worksheets hold the demo sizes' counts
        (work / "worksheets").mkdir()
        env["PATHWAYS_WORKSHEET_DIR"] = str(work / "worksheets")
    districts = [d for d, _ in scaled]
    with serve_districts(districts, sftp, work / "demo" / "servers", api_page_size=API_PAGE_SIZE):
        env.update({k: v for k, v in os.environ.items() if k.startswith("DISTRICTS__")})
        code, _ = _run_child(["_night", str(work)], env, work / "night.log")
    if code != 0 or not (work / RESULT_FILE).is_file():
        raise RuntimeError(
            f"scale {scale}: the night process exited {code}; see {work / 'night.log'}"
        )
    timings = json.loads((work / RESULT_FILE).read_text())
    # DuckDB's own read, in a fresh process, after the night (the files are cached alike)
    code, _ = _run_child(["_raw_read", str(work)], env, work / "raw_read.log")
    if code != 0:
        raise RuntimeError(
            f"scale {scale}: the raw read exited {code}; see {work / 'raw_read.log'}"
        )
    raw = json.loads((work / RAW_RESULT_FILE).read_text())
    result = ScaleResult(
        scale=scale,
        students=sum(n for _, n in scaled),
        raw_mb=raw_mb,
        ingest_s=timings["ingest"],
        raw_read_s=raw["seconds"],
        freshness_s=timings["freshness"],
        build_s=timings["build"],
        docs_s=timings["docs"],
        night_s=timings["night"],
        peak_mb=timings["peak_mb"],
        later_steps={night: timings[night] for night in ("quiet", "later")},
        raw_read_peak_mb=raw["peak_mb"],
        generate_s=generate_s,
        failures=timings.get("failures", []),
        slowest_models=[tuple(m) for m in timings.get("slowest", [])],
        district_s=timings.get("districts", {}),
    )
    if not keep:
        # generated files, warehouse, spill folder: synthetic, but as large as real data
        shutil.rmtree(work, ignore_errors=True)
    return result


def run_scale_benchmark(
    scales: Sequence[int],
    scratch: Path | None = None,
    keep: bool = False,
    files_root: Path | None = None,
) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    night = datetime.now(ZoneInfo("America/Chicago")).date()
    results = []
    keep = keep and scratch is not None
    if scratch is not None:
        scratch.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=scratch, prefix="pathways-scale-")
    try:
        for scale in scales:
            result = run_scale(scale, Path(tmp), night, keep=keep, files_root=files_root)
            results.append(result)
            print(
                f"scale {scale}x done: night {result.night_s:.1f} s, peak {result.peak_mb:,.0f} MB",
                file=sys.stderr,
                flush=True,
            )
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return "\n".join([settings_line(), format_table(results), "", format_details(results)])


def settings_line() -> str:
    """What the numbers depend on: DuckDB's and dbt's settings, the emulator's page size, the
    machine (cores, load average: the steps are timed on the wall clock)."""
    from ingest import warehouse

    memory = os.environ.get(warehouse.MEMORY_LIMIT_ENV) or warehouse.DEFAULT_MEMORY_LIMIT
    dbt_threads = os.environ.get("PATHWAYS_DBT_THREADS") or "4 (profiles.yml)"
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"DuckDB memory_limit {memory}, threads {warehouse.duckdb_threads()}; dbt threads "
        f"{dbt_threads}; PowerSchool pages of {API_PAGE_SIZE:,}; {os.cpu_count()} cores, "
        f"load average now {load}"
    )


# --------------------------------------------------------------------------- the children


def _night_child(work: Path) -> int:
    """The night as `pathways demo` runs it (run_night on every district), each step timed;
    then a night with nothing new (the same files and records served again: the build is
    skipped), and a later night with the build forced (`--full`: the same project), whose
    freshness + build + docs is what every regular night costs beyond its ingest (the
    first night of a warehouse also parses the whole project and runs dbt's unit tests)."""
    from ingest.paths import DEFAULT_REGISTRY
    from ingest.privacy import owner_only
    from ingest.registry import load_registry

    owner_only()
    districts = load_registry(DEFAULT_REGISTRY)
    first, report, slowest = _timed_night(districts, force_build=False)
    quiet, _, _ = _timed_night(districts, force_build=False)
    later, _, _ = _timed_night(districts, force_build=True)
    out = {
        **first,
        "quiet": quiet,
        "later": later,
        "failures": report.failures(),
        "slowest": slowest[:10],
        "districts": _district_seconds(report.run_id),
        "peak_mb": peak_rss_mb(),
    }
    (work / RESULT_FILE).write_text(json.dumps(out))
    return 0


def _timed_night(districts, force_build: bool):
    """run_night with each step's seconds: (timings, report, slowest build nodes)."""
    from ingest import night as night_module
    from ingest.paths import dbt_project_dir

    timings: dict[str, float] = {"ingest": 0.0, "freshness": 0.0, "build": 0.0, "docs": 0.0}
    slowest: list[tuple[str, float]] = []
    ingest_districts, dbt_or_none = night_module.ingest_districts, night_module._dbt_or_none

    def timed_ingest(*args, **kwargs):
        start = time.perf_counter()
        try:
            return ingest_districts(*args, **kwargs)
        finally:
            timings["ingest"] += time.perf_counter() - start

    def timed_dbt(*args, **kwargs):
        step = {"source": "freshness", "build": "build", "docs": "docs"}.get(args[0], args[0])
        start, wall_start = time.perf_counter(), time.time()
        try:
            return dbt_or_none(*args, **kwargs)
        finally:
            timings[step] = timings.get(step, 0.0) + time.perf_counter() - start
            results = dbt_project_dir() / "target" / "run_results.json"
            if step == "build" and results.is_file() and results.stat().st_mtime >= wall_start:
                slowest.extend(_slowest_nodes(results))

    night_module.ingest_districts = timed_ingest
    night_module._dbt_or_none = timed_dbt
    try:
        start = time.perf_counter()
        report = night_module.run_night(districts, all_districts=districts, force_build=force_build)
        timings["night"] = time.perf_counter() - start
    finally:
        night_module.ingest_districts, night_module._dbt_or_none = ingest_districts, dbt_or_none
    return timings, report, slowest


def _district_seconds(run_id: str | None) -> dict[str, float]:
    """Each district's ingest wall clock in this run (pathways_meta.run_log)."""
    import duckdb

    from ingest.paths import duckdb_path

    if not run_id:
        return {}
    with duckdb.connect(str(duckdb_path()), read_only=True) as con:
        rows = con.execute(
            "select district_id, epoch(ended_at) - epoch(started_at) from "
            "pathways_meta.run_log where run_id = ? and step = 'ingest'",
            [run_id],
        ).fetchall()
    return {district: round(seconds, 1) for district, seconds in rows}


def _slowest_nodes(run_results: Path) -> list[tuple[str, float]]:
    try:
        results = json.loads(run_results.read_text())["results"]
    except (OSError, ValueError, KeyError):
        return []
    nodes = [(r["unique_id"].split(".", 2)[-1], float(r["execution_time"])) for r in results]
    return sorted(nodes, key=lambda n: -n[1])


def _raw_read_child(work: Path) -> int:
    """DuckDB alone: every generated file into a table of a fresh database, declared dialect."""
    import duckdb

    from ingest.declarations import district_declarations
    from ingest.paths import DEFAULT_REGISTRY
    from ingest.readers import read_csv_sql, scan_bytes, to_utf8
    from ingest.registry import load_registry

    registry = {d.id: d for d in load_registry(DEFAULT_REGISTRY)}
    files = json.loads((work / "files.json").read_text())
    prepared = work / "raw_read"
    prepared.mkdir()
    statements: list[str] = []
    for n, (path, owner, dataset) in enumerate(files):
        if dataset == "records":  # PowerSchool: one newline-delimited JSON file per query
            records = json.loads(Path(path).read_text(encoding="utf-8"))
            for q, rows in enumerate(records.values()):
                ndjson = prepared / f"{n}_{q}.ndjson"
                with ndjson.open("w", encoding="utf-8") as out:
                    for row in rows:
                        out.write(json.dumps(row) + "\n")
                statements.append(
                    f"create table t{n}_{q} as select * from read_json('{ndjson}', "
                    "format='newline_delimited', maximum_object_size=16777216)"
                )
            continue
        decl = next(
            d for d in district_declarations(registry[owner], platform=True) if d.dataset == dataset
        )
        scan = scan_bytes(Path(path), decl.encodings)
        source = Path(path)
        if scan.encoding not in ("utf-8", "utf-8-sig"):
            source = to_utf8(source, scan.encoding, prepared / f"{n}.csv")
        statements.append(f"create table t{n} as {read_csv_sql(source, decl)}")
    db = work / "raw_read.duckdb"
    start = time.perf_counter()
    with duckdb.connect(str(db)) as con:  # DuckDB's defaults
        for statement in statements:
            con.execute(statement)
    seconds = time.perf_counter() - start
    (work / RAW_RESULT_FILE).write_text(
        json.dumps({"seconds": seconds, "files": len(files), "peak_mb": peak_rss_mb()})
    )
    return 0


def main(argv: list[str]) -> int:
    command, work = argv[0], Path(argv[1])
    if command == "_night":
        return _night_child(work)
    if command == "_raw_read":
        return _raw_read_child(work)
    raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
