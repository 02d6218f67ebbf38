"""dlt's settings come from .dlt/config.toml, whatever the working directory.

Two settings matter for student data and lineage (DESIGN §4): Arrow rows get
`_dlt_load_id` only with `normalize.parquet_normalizer.add_dlt_load_id`, and completed load
packages (plaintext copies of the files) stay in dlt's working folder unless
`load.delete_completed_jobs`. The code sets neither in os.environ: a load run from another
folder, with no DLT_PROJECT_DIR and no dlt variables in the environment, must still find
them (importing `ingest` points dlt at the repo's .dlt/). The night loads without dlt
(files and the PowerSchool API alike: DuckDB inserts the rows, with a load id of dlt's
format all the same); the PowerSchool dlt source on its own (`powerschool(...)` in a dlt
pipeline, as anyone may run it) still loads through dlt, so the script below runs both.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingest.paths import REPO_ROOT

pytestmark = pytest.mark.integration

LOAD = """
import json, sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from ingest.pipeline import ingest_district
from ingest.registry import load_registry
from ingest.simulation.generators import generate_district

root = Path(sys.argv[1])
district = next(d for d in load_registry() if d.sis == "skyward_sms" and d.state == "TX")
district = replace(district, transfer={"method": "local", "folder": str(root / "drop")})
generate_district(district, root / "drop", night=date(2026, 11, 28), students=20)
night = ingest_district(district, db_path=root / "pathways.duckdb")
statuses = {f"raw_skyward_sms.{f.decl.dataset}": f.status for f in night.files}

import os
from ingest.powerschool.plugin import write_plugin_zip
from ingest.simulation.generators.powerschool import api_records
from ingest.simulation.powerschool_server import PowerSchoolEmulator

api = next(d for d in load_registry() if d.id == "prairie_creek_schools")
records = api_records(api, date(2026, 11, 28), students=20).records
plugin = write_plugin_zip(root / "plugin.zip")
with PowerSchoolEmulator(plugin, records, api.transfer["client_id"], "secret") as emu:
    prefix = "DISTRICTS__PRAIRIE_CREEK_SCHOOLS__TRANSFER__"
    os.environ[prefix + "BASE_URL"], os.environ[prefix + "CLIENT_SECRET"] = emu.base_url, "secret"
    night = ingest_district(api, db_path=root / "pathways.duckdb")
    statuses |= {f"raw_powerschool.{f.decl.dataset}": f.status for f in night.files}

    import dlt
    from ingest.powerschool import powerschool

    pipeline = dlt.pipeline(
        pipeline_name="powerschool_alone",
        destination=dlt.destinations.duckdb(str(root / "alone.duckdb")),
        dataset_name="raw_powerschool",
        pipelines_dir=os.environ["PATHWAYS_WORK_DIR"] + "/dlt",
    )
    source = powerschool(emu.base_url, api.transfer["client_id"], "secret", district_id=api.id)
    pipeline.run(source.with_resources("staff", "gpa"), loader_file_format="parquet")
print(json.dumps(statuses))
"""


def _environment(work: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "DLT_PROJECT_DIR" and not k.startswith(("NORMALIZE__", "LOAD__"))
    }
    return env | {
        "PYTHONPATH": str(REPO_ROOT),
        "PATHWAYS_WORK_DIR": str(work),
        "PATHWAYS_DUCKDB_PATH": str(work / "pathways.duckdb"),
        "GUARDS__STABLE_SECONDS": "0",
    }


def test_a_load_from_another_folder_uses_the_repo_settings(tmp_path):
    elsewhere = tmp_path / "elsewhere"  # no .dlt/ here
    elsewhere.mkdir()
    work = tmp_path / "work"
    done = subprocess.run(
        [sys.executable, "-c", LOAD, str(tmp_path)],
        cwd=elsewhere,
        env=_environment(work),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    statuses = json.loads(done.stdout.strip().splitlines()[-1])
    assert statuses and set(statuses.values()) == {"loaded"}, statuses

    assert {s.split(".")[0] for s in statuses} == {"raw_skyward_sms", "raw_powerschool"}
    for db, loaded in (
        ("pathways.duckdb", set(statuses)),  # the night, without dlt
        ("alone.duckdb", {"raw_powerschool.staff", "raw_powerschool.gpa"}),  # through dlt
    ):
        with duckdb.connect(str(tmp_path / db), read_only=True) as con:
            tables = [
                f"{s}.{t}"
                for (s, t) in con.execute(
                    "select table_schema, table_name from information_schema.tables "
                    "where table_schema in ('raw_skyward_sms', 'raw_powerschool') "
                    "and not starts_with(table_name, '_dlt')"
                ).fetchall()
            ]
            assert loaded <= set(tables), db
            for table in tables:
                rows, with_load_id = con.execute(
                    f"select count(*), count(_dlt_load_id) from {table}"
                ).fetchone()
                assert rows > 0 and with_load_id == rows, f"{db} {table}: {with_load_id}/{rows}"

    pipelines = work / "dlt"
    assert pipelines.is_dir()
    leftovers = [
        p.relative_to(pipelines)
        for p in pipelines.rglob("*")
        if (p.name in ("completed_jobs", "new_jobs", "started_jobs") and any(p.iterdir()))
        or p.suffix in (".parquet", ".gz", ".jsonl", ".csv")
    ]
    assert leftovers == [], f"student data left in dlt's folder: {leftovers}"
    assert not list(elsewhere.iterdir()), "nothing is written to the working directory"
