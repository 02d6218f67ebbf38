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


def test_unique_combination_finds_every_repeated_combination(empty_warehouse):
    """The generic test groups by one hash of the columns first (macros/generic_tests): it
    must still name exactly the repeated combinations, a NULL part included, and nothing
    that repeats only in some of the columns. The rows go into a per-SIS table that
    int_row_checks__unioned reads through two views, built here without `--empty` (which
    bakes an empty filter into a view)."""
    repeated = [("d1", "aaa", 2)] * 2 + [("d1", None, 5)] * 3  # a NULL part in the second
    once_each = [("d1", "aaa", 3), ("d1", "bbb", 2), ("d2", "aaa", 2), ("d1", None, 6)]
    table = "intermediate.int_skyward_sms__grades"
    insert = (
        f"insert into {table} (district_id, sis, _dataset, _source_file, _file_sha256, "
        "_row_number) values (?, 'skyward_sms', 'grades', 'f.csv', ?, ?)"
    )
    views = run_dbt(
        "run",
        "--select",
        "int_grades__unioned int_row_checks__unioned",
        db_path=empty_warehouse,
        quiet=True,
    )
    assert views.success, views.errors
    with warehouse.connect(empty_warehouse) as con:
        con.executemany(insert, repeated + once_each)
    try:
        selector = "int_row_checks__unioned,test_name:unique_combination_of_columns"
        run = run_dbt("test", "--select", selector, db_path=empty_warehouse, quiet=True)
    finally:
        with warehouse.connect(empty_warehouse) as con:
            con.execute(f"delete from {table}")
    [result] = [r for r in run.results if r.resource_type == "test"]
    assert (result.status, result.failures) == ("fail", 2), result.message
