"""The published dbt docs site, rendered by a real headless Chromium: the overview lists
each SIS's datasets, and every SIS's lineage is its own tag and colour."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ingest import warehouse
from ingest.declarations import load_declarations
from ingest.paths import DBT_PROJECT_DIR
from ingest.powerschool.queries import load_queries
from ingest.transform import run_dbt

pytestmark = pytest.mark.e2e

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _chromium() -> str:
    found = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
    if found is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium; CI does)")
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("docs")
    db = work / "pathways.duckdb"
    with warehouse.connect(db) as con:  # sources exist even before the first night
        warehouse.prepare(con, warehouse.raw_tables())
    run = run_dbt("docs", "generate", "--static", "--target-path", str(work / "target"), db_path=db)
    assert run.success
    return work / "target"


def _render(chromium: str, page: str, profile: Path) -> str:
    done = subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=15000",
            "--dump-dom",
            page,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_overview_lists_the_datasets_of_every_sis(site, tmp_path):
    dom = _render(_chromium(), (site / "static_index.html").as_uri(), tmp_path / "profile")
    assert "Datasets per SIS" in dom  # rendered by the Angular app, not just shipped
    for sis, decls in load_declarations().items():
        assert sis in dom, sis
        for decl in decls:
            assert decl.dataset in dom, (sis, decl.dataset)


def test_model_page_renders_its_description(site, tmp_path):
    page = (site / "static_index.html").as_uri() + "#!/model/model.pathways.dim_student"
    dom = _render(_chromium(), page, tmp_path / "profile")
    assert "one row per student" in dom.lower()
    assert "k_student" in dom


def test_each_sis_lineage_has_its_own_tag_and_colour(site):
    manifest = json.loads((site / "manifest.json").read_text())
    every_sis = set(load_declarations()) | {q.sis for q in load_queries().values()}
    colours: dict[str, set[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["package_name"] != "pathways":
            continue
        sis_tags = [t for t in node["tags"] if t in every_sis]
        if sis_tags:
            (sis,) = sis_tags
            colours.setdefault(sis, set()).add(node["config"]["docs"]["node_color"])
    assert set(colours) == every_sis  # every SIS (files or API) has tagged models
    assert all(len(c) == 1 for c in colours.values()), colours  # one colour per SIS
    assert len({next(iter(c)) for c in colours.values()}) == len(colours)  # all distinct
    assert (DBT_PROJECT_DIR / "dbt_project.yml").is_file()
