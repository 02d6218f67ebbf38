"""dlt's settings live in .dlt/config.toml (not os.environ) and are found from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib

from ingest.paths import REPO_ROOT

SETTINGS = {
    "normalize.parquet_normalizer.add_dlt_load_id": True,  # Arrow rows name their load
    "load.delete_completed_jobs": True,  # no plaintext package left behind
}


def test_config_toml_holds_the_settings():
    config = tomllib.loads((REPO_ROOT / ".dlt" / "config.toml").read_text())
    for key, value in SETTINGS.items():
        node = config
        for part in key.split("."):
            node = node[part]
        assert node is value, key


def test_no_module_writes_dlt_settings_into_the_environment():
    for path in (REPO_ROOT / "ingest").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for key in SETTINGS:
            env_name = key.replace(".", "__").upper()
            assert env_name not in text, f"{path.name} sets {env_name}: use .dlt/config.toml"


def test_dlt_resolves_them_from_another_working_directory(tmp_path):
    code = "import ingest, dlt; " + "; ".join(f"print(dlt.config[{key!r}])" for key in SETTINGS)
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "DLT_PROJECT_DIR" and not k.startswith(("NORMALIZE__", "LOAD__"))
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env | {"PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["True"] * len(SETTINGS)
