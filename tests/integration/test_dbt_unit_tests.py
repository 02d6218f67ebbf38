"""dbt's own unit tests (the `unit_tests:` of the model YAMLs) on an empty warehouse: the raw
tables exist (as before the first night), the seeds are loaded, every model is built empty
(`dbt run --empty`), then `dbt test --select test_type:unit`. No SFTP, no data: the
`make check` tier. Every `dbt build` of the SIS nights runs them too."""

from __future__ import annotations

import pytest

from ingest import warehouse
from ingest.transform import run_dbt

pytestmark = pytest.mark.dbt_unit


@pytest.fixture(scope="module")
def empty_warehouse(tmp_path_factory):
    db = tmp_path_factory.mktemp("dbt-unit") / "pathways.duckdb"
    with warehouse.connect(db) as con:
        warehouse.prepare(con, warehouse.raw_tables())
    for step in (("seed",), ("run", "--empty")):
        built = run_dbt(*step, db_path=db, quiet=True)
        assert built.success and not built.errors, (step, built.errors)
    return db


def test_every_dbt_unit_test_passes(empty_warehouse):
    run = run_dbt("test", "--select", "test_type:unit", db_path=empty_warehouse, quiet=True)
    units = [r for r in run.results if r.resource_type == "unit_test"]
    assert units, "no dbt unit test was selected"
    failed = [
        f"{r.name}: {r.status} {r.message.strip()[:300]}" for r in units if r.status != "pass"
    ]
    assert run.success and not failed, "\n".join(failed)
