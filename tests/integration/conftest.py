"""One demo warehouse for every SIS test of the session.

A full `dbt build` takes about a minute whatever the data size, so the SIS integration tests
(tests/integration/test_<sis>_night.py) no longer play their nights each against their own
warehouse: the session plays the nights of every SIS whose tests were selected, together,
against one warehouse, and each SIS module asserts on its own districts.

Each SIS test module declares what it takes part in:

    SIS = "ascender"          # the districts of districts.yml with this SIS
    STUDENTS = 100            # students per district on night 1
    DOCS = True               # optional: night 1 also generates the docs site
    def send_night(number, seen) -> list[District]      # optional, nights 2 and 3: change
        ...                   # the files on the servers, return the districts to ingest
    def after_night(number, seen) -> None               # optional: record what night left
    def after_all(seen) -> None                         # optional: last, servers still up;
        ...                   # may leave the warehouse broken (nothing builds after it)

`seen` is the SIS's own dict (what the old module fixtures returned): `db`, `night_date`,
`districts`, `generated`, `server_kinds`, `servers` (district id -> its running SFTP server
or PowerSchool emulator, e.g. to inject a fault for a later night), and `night1`, `night2`,
`night3` — each night's report narrowed to the SIS's districts (files, errors, mart and
rejected row counts; the build is shared).

The nights, all districts over their own SFTP server on 127.0.0.1 (a PowerSchool district
over its own PowerSchool emulator, ingest/demo.py):
  night 1  every selected district, a clean night: `run_night` (freshness, build, docs)
  night 2  every district whose SIS sends a second night (re-sent files, a re-export):
           one ingest, one `dbt build` (without dbt's unit tests, which read no data)
  night 3  the same for a third night (Skyward SMS's broken files)
  after    each module's `after_all` (Skyward SMS: `pathways nightly` on a corrupt manifest)

Run one SIS file alone (`make check` does) and only that SIS's districts are written and built.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import date
from types import ModuleType

import pytest

from ingest.demo import serve_districts, write_night
from ingest.night import NightReport, collect_counts, ingest_districts, run_night
from ingest.registry import load_registry
from ingest.transform import NO_UNIT_TESTS, run_dbt

NIGHT = date(2026, 11, 27)
LATER_NIGHTS = (2, 3)


@pytest.fixture(scope="session", autouse=True)
def _no_demo_worksheets(tmp_path_factory):
    """The demo districts' worksheets (seeds/worksheets/) hold the demo sizes' counts; the
    SIS nights generate other sizes, so they load no worksheet unless a test writes one
    into this folder (ingest/worksheets.py, PATHWAYS_WORKSHEET_DIR)."""
    folder = tmp_path_factory.mktemp("worksheets")
    before = os.environ.get("PATHWAYS_WORKSHEET_DIR")
    os.environ["PATHWAYS_WORKSHEET_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("PATHWAYS_WORKSHEET_DIR", None)
    else:
        os.environ["PATHWAYS_WORKSHEET_DIR"] = before


def _sis_modules(session: pytest.Session) -> dict[str, ModuleType]:
    """The SIS test modules with at least one selected test that uses the shared nights."""
    modules: dict[str, ModuleType] = {}
    for item in session.items:
        module = getattr(item, "module", None)
        if "demo_nights" in getattr(item, "fixturenames", ()) and hasattr(module, "SIS"):
            modules[module.SIS] = module
    return dict(sorted(modules.items()))


def _narrowed(report: NightReport, district_ids: set[str]) -> NightReport:
    """The night as one SIS saw it: its districts' files, errors and counts."""
    return dataclasses.replace(
        report,
        nights=[n for n in report.nights if n.district.id in district_ids],
        district_errors={d: e for d, e in report.district_errors.items() if d in district_ids},
        mart_rows={d: n for d, n in report.mart_rows.items() if d in district_ids},
        rejected_rows={d: n for d, n in report.rejected_rows.items() if d in district_ids},
    )


@pytest.fixture(scope="session")
def demo_nights(request, tmp_path_factory) -> dict[str, dict]:
    """sis -> what its nights left behind (see the module docstring)."""
    modules = _sis_modules(request.session)
    work = tmp_path_factory.mktemp("demo-nights")
    db = work / "pathways.duckdb"
    root = work / "sftp"
    registry = load_registry()
    seen: dict[str, dict] = {}
    for sis, module in modules.items():
        districts = [d for d in registry if d.sis == sis]
        generated = write_night(districts, root, NIGHT, students=module.STUDENTS)
        seen[sis] = {"db": db, "night_date": NIGHT, "districts": districts, "generated": generated}
    everyone = [d for s in seen.values() for d in s["districts"]]
    ids = {sis: {d.id for d in s["districts"]} for sis, s in seen.items()}

    def hook(module: ModuleType, name: str, *args) -> object:
        fn = getattr(module, name, None)
        return fn(*args) if fn else None

    with serve_districts(everyone, root, work / "servers") as servers:
        for s in seen.values():
            s["server_kinds"] = {servers[d.id].kind for d in s["districts"]}
            s["servers"] = {d.id: servers[d.id] for d in s["districts"]}
        docs = any(getattr(m, "DOCS", False) for m in modules.values())
        first = run_night(everyone, db_path=db, all_districts=everyone, docs=docs)
        for sis, module in modules.items():
            seen[sis]["night1"] = _narrowed(first, ids[sis])
            hook(module, "after_night", 1, seen[sis])

        for number in LATER_NIGHTS:
            sending = {sis: hook(m, "send_night", number, seen[sis]) for sis, m in modules.items()}
            sending = {sis: districts for sis, districts in sending.items() if districts}
            if not sending:
                continue
            report = NightReport()
            ingest_districts([d for ds in sending.values() for d in ds], db, report, everyone)
            # as a night whose project is unchanged (ingest.transform.NO_UNIT_TESTS): dbt's
            # unit tests read no data, test_dbt_unit_tests runs them
            report.build = run_dbt("build", *NO_UNIT_TESTS, db_path=db)
            collect_counts(report, db, [d.id for d in everyone])
            for sis in sending:
                seen[sis][f"night{number}"] = _narrowed(report, ids[sis])
                hook(modules[sis], "after_night", number, seen[sis])

        for module in modules.values():
            hook(module, "after_all", seen[module.SIS])
    return seen
