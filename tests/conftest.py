"""Shared test setup: every test runs against its own work dir and DuckDB file."""

import os
from pathlib import Path

import pytest

from ingest.paths import REPO_ROOT

UNIT = Path(__file__).parent / "unit"


def pytest_collection_modifyitems(items):
    """Every test under tests/unit is the `unit` tier (pyproject.toml lists the markers)."""
    for item in items:
        if UNIT in Path(item.fspath).parents:
            item.add_marker(pytest.mark.unit)


@pytest.fixture(scope="session", autouse=True)
def _isolated_runtime(tmp_path_factory):
    work = tmp_path_factory.mktemp("pathways-work")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATHWAYS_WORK_DIR", str(work))
        mp.setenv("PATHWAYS_DUCKDB_PATH", str(work / "pathways.duckdb"))
        mp.setenv("DLT_PROJECT_DIR", str(REPO_ROOT))
        mp.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
        # files are written just before each ingest: no stability wait, except in the tests
        # of that guard, which set their own
        mp.setenv("GUARDS__STABLE_SECONDS", "0")
        # never pick up an operator's district overrides from the environment
        for name in list(os.environ):
            if name.startswith("DISTRICTS__"):
                mp.delenv(name)
        yield work
