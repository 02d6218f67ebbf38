"""What a `dbt build` reads, as one fingerprint: a night in which no district sent anything
new, and nothing the build reads changed since the last build, skips the build (ingest.night).

The fingerprint has one hash per input, so the night can say what changed:

- `project`: every file of the dbt project and of the folders it names (models, snapshots,
  analyses, macros, seeds with the worksheets, tests/dbt, dbt_project.yml, selectors), the
  profiles, and the versions of dbt and its adapter;
- `registry`, `worksheets`, `releases`: the warehouse copies of the district registry
  (districts.yml), of the Data Validation Worksheets and of the releases of held files;
- `files`: the files staging may read (manifest rows `loaded` or `held`, with their load)
  and the unparseable lines kept for them (`parse_rejects`).

The bookkeeping a night always adds (its manifest rows `duplicate`/`missing`…, its run log)
is not in it: the night rebuilds the models that show it (selector `night_bookkeeping`).
Only hashes are kept (`<warehouse>.last_build.json`): no value of any file or table.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

import duckdb
import yaml

from ingest.paths import PROFILES_DIR, dbt_project_dir
from ingest.warehouse import META

# dbt's own output folders inside the project: never an input
_NOT_INPUTS = {"target", "logs", "dbt_packages", "__pycache__", ".user.yml"}

# One query per warehouse input; each returns rows in a fixed order (hashed as text).
_TABLES = {
    "registry": (
        f"select * from {META}.districts order by all",
        f"select * from {META}.district_schools order by all",
    ),
    "worksheets": (f"select * from {META}.validation_worksheets order by all",),
    "releases": (f"select * from {META}.file_releases order by all",),
    "files": (
        "select district_id, sis, dataset, file_name, file_sha256, load_id, status, "
        "file_date, file_modified_at, data_lines, rows_loaded, rows_unparseable "
        f"from {META}.file_manifest where status in ('loaded', 'held') order by all",
        "select district_id, sis, dataset, file_sha256, load_id, count(*) "
        f"from {META}.parse_rejects group by all order by all",
    ),
}


def project_files(project_dir: Path | None = None) -> list[Path]:
    """The files of the dbt project and of every folder dbt_project.yml points at."""
    project_dir = project_dir or dbt_project_dir()
    config = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8")) or {}
    folders = {project_dir}
    for key in (
        "model-paths",
        "seed-paths",
        "macro-paths",
        "test-paths",
        "snapshot-paths",
        "analysis-paths",
    ):
        folders.update((project_dir / p).resolve() for p in config.get(key) or ())
    files: set[Path] = set()
    for folder in folders:
        if folder.is_file():
            files.add(folder)
            continue
        for path in folder.rglob("*") if folder.is_dir() else ():
            parts = set(path.relative_to(folder).parts)
            if path.is_file() and not parts & _NOT_INPUTS and not path.name.endswith(".pyc"):
                files.add(path)
    files.update(p for p in (PROFILES_DIR / "profiles.yml",) if p.is_file())
    return sorted(files)


def _hash_project(project_dir: Path | None = None) -> str:
    digest = hashlib.sha256()
    project_dir = project_dir or dbt_project_dir()
    for package in ("dbt-core", "dbt-duckdb", "duckdb"):
        try:
            digest.update(f"{package}=={metadata.version(package)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package} absent\n".encode())
    for path in project_files(project_dir):
        digest.update(str(path).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _hash_rows(con: duckdb.DuckDBPyConnection, queries: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for query in queries:
        try:
            rows = con.execute(query).fetchall()
        except duckdb.CatalogException:  # a table not created yet: an input of its own
            rows = [("absent",)]
        for row in rows:
            digest.update(repr(row).encode() + b"\n")
        digest.update(b"\0")
    return digest.hexdigest()


def fingerprint(db_path: Path, project_dir: Path | None = None) -> dict[str, str]:
    """One hash per input of the build (module docstring)."""
    out = {"project": _hash_project(project_dir)}
    with duckdb.connect(str(db_path), read_only=True) as con:
        out.update({name: _hash_rows(con, queries) for name, queries in _TABLES.items()})
    return out


def changed(before: dict[str, str] | None, now: dict[str, str]) -> list[str]:
    """The inputs whose hash differs (every input when there is no earlier fingerprint)."""
    if not before:
        return sorted(now)
    return sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
