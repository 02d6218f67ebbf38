"""Where the project's files live. Every path is absolute and derived from the repo root,
so dlt (relative to the working directory) and dbt (relative to profiles.yml) agree."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
PROFILES_DIR = REPO_ROOT / "profiles"
SOURCES_GLOB = "models/staging/*/_*__sources.yml"
DEFAULT_REGISTRY = REPO_ROOT / "districts.yml"


def dbt_project_dir() -> Path:
    """The dbt project dbt runs (PATHWAYS_DBT_PROJECT_DIR, else the repo's): a test may build a
    copy of the project, e.g. with crosswalk rows added, without touching the repo's seeds.
    The copy keeps the layout next to it (`../seeds`, `../macros`, `../tests/dbt`)."""
    return Path(os.environ.get("PATHWAYS_DBT_PROJECT_DIR", DBT_PROJECT_DIR)).resolve()


def work_dir() -> Path:
    """Runtime state (warehouse, dlt working folders, demo files); git-ignored."""
    return Path(os.environ.get("PATHWAYS_WORK_DIR", REPO_ROOT / ".pathways")).resolve()


def duckdb_path() -> Path:
    """The one DuckDB file shared by the ingest and dbt (profiles.yml reads the same variable)."""
    default = work_dir() / "pathways.duckdb"
    return Path(os.environ.get("PATHWAYS_DUCKDB_PATH", default)).resolve()


def lake_dir() -> Path:
    """The parquet lake the spark target reads (PATHWAYS_LAKE_DIR, else <work dir>/lake):
    raw and bookkeeping tables as dlt's filesystem destination writes them (ingest/lake.py)."""
    return Path(os.environ.get("PATHWAYS_LAKE_DIR", work_dir() / "lake")).resolve()


def lake_url() -> str:
    """Where `pathways lake` writes and the spark target reads: PATHWAYS_LAKE_URL (a URL of
    dlt's filesystem destination that Spark reads too: file:///…, s3://… / s3a://…), else the
    local lake folder as a file:// URL."""
    url = os.environ.get("PATHWAYS_LAKE_URL", "").strip()
    return url.rstrip("/") if url else lake_dir().as_uri()


def spark_dir() -> Path:
    """The local Spark session's warehouse and metastore (PATHWAYS_SPARK_DIR, else
    <work dir>/spark); a cluster's profile names its own."""
    return Path(os.environ.get("PATHWAYS_SPARK_DIR", work_dir() / "spark")).resolve()
