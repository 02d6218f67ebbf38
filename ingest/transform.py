"""dbt, run in-process (dbtRunner: ~3x faster than a subprocess, and no forced profile)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ingest.paths import PROFILES_DIR, dbt_project_dir, duckdb_path, lake_url, spark_dir

# dbt's unit tests read no data (they check the SQL against fixed inputs): a night runs them
# only when the project changed since the run whose unit tests passed (ingest.night), CI runs
# them all (tests/integration/test_dbt_unit_tests.py). Measured: 55 unit tests, ~19 s a night.
NO_UNIT_TESTS = ("--exclude", "test_type:unit")


class DbtError(RuntimeError):
    pass


@dataclass(frozen=True)
class NodeResult:
    name: str
    resource_type: str  # model, test, seed, unit_test, source
    status: str  # success, pass, warn, fail, error, skipped, runtime error
    failures: int
    message: str

    @property
    def is_error(self) -> bool:
        """A failure that must stop the night: an error-severity test or a broken node."""
        return self.status in ("fail", "error", "runtime error")


@dataclass(frozen=True)
class DbtRun:
    command: str
    success: bool
    results: tuple[NodeResult, ...]

    def count(self, *statuses: str, resource_type: str | None = None) -> int:
        return sum(
            1
            for r in self.results
            if r.status in statuses and (resource_type is None or r.resource_type == resource_type)
        )

    @property
    def errors(self) -> list[NodeResult]:
        return [r for r in self.results if r.is_error]


def run_dbt(
    *args: str, db_path: Path | None = None, quiet: bool = False, merge_results: bool = False
) -> DbtRun:
    """Run one dbt command against the project and the shared DuckDB file. `quiet` keeps
    dbt's progress lines out of the terminal (they stay in dbt_project/logs/dbt.log).
    A `build` keeps its results next to the warehouse (build_results_path); with
    `merge_results` a partial build updates the nodes it ran there and keeps the others."""
    from dbt.cli.main import dbtRunner  # dbt is slow to import; only when needed

    os.environ["PATHWAYS_DUCKDB_PATH"] = str(db_path or duckdb_path())
    # the spark target (`--target spark`): absolute paths, whatever the working directory
    os.environ.setdefault("PATHWAYS_SPARK_DIR", str(spark_dir()))
    os.environ.setdefault("PATHWAYS_LAKE_URL", lake_url())
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")  # offline, student data
    # DuckDB's memory limit, spill folder and threads: the ingest's (profiles.yml `config_options`)
    from ingest import warehouse

    settings = warehouse.duckdb_settings()  # creates the spill folder, owner-only
    saved = {k: os.environ.get(k) for k in warehouse.SETTINGS_ENV}
    os.environ[warehouse.SPILL_DIR_ENV] = str(settings["temp_directory"])
    os.environ[warehouse.MEMORY_LIMIT_ENV] = str(settings["memory_limit"])
    os.environ[warehouse.THREADS_ENV] = str(settings["threads"])
    project = str(dbt_project_dir())
    argv = [*args, "--project-dir", project, "--profiles-dir", str(PROFILES_DIR)]
    if quiet:
        argv = ["--quiet", *argv]
    try:
        outcome = dbtRunner().invoke(argv)
    finally:
        _release_warehouse()
        for key, value in saved.items():  # the next run may have another work folder
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    if outcome.exception is not None and outcome.result is None:
        raise DbtError(f"dbt {' '.join(args)} could not run: {outcome.exception}")
    if args and args[0] == "build":
        _keep_build_results(
            outcome.result, db_path or duckdb_path(), bool(outcome.success), merge=merge_results
        )
    results = []
    for r in getattr(outcome.result, "results", None) or []:
        node = getattr(r, "node", None)
        results.append(
            NodeResult(
                name=getattr(node, "name", None) or getattr(r, "unique_id", "?"),
                resource_type=str(getattr(node, "resource_type", "source")),
                status=str(getattr(r.status, "value", r.status)),
                failures=int(getattr(r, "failures", None) or 0),
                message=str(getattr(r, "message", "") or ""),
            )
        )
    return DbtRun(" ".join(args), bool(outcome.success), tuple(results))


def build_results_path(db_path: Path) -> Path:
    """The last `dbt build`'s results, kept next to its warehouse: dbt's own
    target/run_results.json is overwritten by the `docs generate` that follows a night."""
    return db_path.with_name(db_path.stem + ".last_build.json")


def read_build_results(db_path: Path) -> dict | None:
    """The last build's results as kept by _keep_build_results, None when there are none."""
    path = build_results_path(db_path)
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return kept if isinstance(kept, dict) and isinstance(kept.get("results"), list) else None


def write_build_results(db_path: Path, kept: dict) -> None:
    path = build_results_path(db_path)
    path.write_text(json.dumps(kept, indent=1), encoding="utf-8")
    path.chmod(0o600)


def saved_run(kept: dict, command: str = "build") -> DbtRun:
    """A DbtRun from kept results (a night that skipped its build reports the last one)."""
    results = tuple(
        NodeResult(
            name=n.get("name") or n.get("unique_id") or "?",
            resource_type=n.get("resource_type") or "",
            status=n.get("status") or "",
            failures=int(n.get("failures") or 0),
            message=n.get("message") or "",
        )
        for n in kept.get("results", [])
    )
    return DbtRun(command, bool(kept.get("success", True)), results)


def _keep_build_results(result, db_path: Path, success: bool, merge: bool = False) -> None:
    """One entry per node of the build: unique id, status, failures, message and the
    relation of stored failures (no compiled SQL, no data). Read by `pathways validate`.
    A new build replaces the file (and the night's fingerprint in it, ingest.night);
    `merge` replaces only the entries of the nodes this build ran."""
    nodes = []
    for r in getattr(result, "results", None) or []:
        node = getattr(r, "node", None)
        nodes.append(
            {
                "unique_id": getattr(node, "unique_id", None) or getattr(r, "unique_id", None),
                "name": getattr(node, "name", None),
                "resource_type": str(getattr(node, "resource_type", "")),
                "status": str(getattr(r.status, "value", r.status)),
                "failures": int(getattr(r, "failures", None) or 0),
                "message": str(getattr(r, "message", "") or ""),
                "relation_name": getattr(node, "relation_name", None),
                "severity": str(getattr(getattr(node, "config", None), "severity", "") or ""),
                "original_file_path": getattr(node, "original_file_path", None),
                "depends_on": list(getattr(getattr(node, "depends_on", None), "nodes", []) or []),
            }
        )
    kept = read_build_results(db_path) if merge else None
    if kept is None:
        kept = {"results": nodes, "success": success}
    else:
        kept["success"] = bool(kept.get("success", True)) and success
        ran = {n["unique_id"]: n for n in nodes}
        kept["results"] = [ran.pop(n.get("unique_id"), n) for n in kept["results"]]
        kept["results"].extend(ran.values())
    write_build_results(db_path, kept)


def _release_warehouse() -> None:
    """dbt-duckdb keeps its DuckDB instance open in the process after a run; the ingest and
    the report open the same file next with another configuration, which DuckDB refuses
    while that instance lives. Close it (dbt-duckdb has no public call that closes it)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = DuckDBConnectionManager._ENV
    if env is not None:
        env.close()
    DuckDBConnectionManager.close_all_connections()
