"""ingest.settings answers as dlt.config / dlt.secrets do, without importing dlt."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from ingest.paths import REPO_ROOT

COMPARE = """
import json, sys
from ingest import settings
import dlt
out = []
for key in sys.argv[1:]:
    out.append([
        settings.get(key), dlt.config.get(key),
        settings.get(key, secret=True), dlt.secrets.get(key),
    ])
print(json.dumps(out))
"""

KEYS = [
    "districts.d1.transfer.host",  # environment over config.toml
    "districts.d1.transfer.port",  # config.toml, an integer
    "districts.d1.transfer.private_key_file",  # secrets.toml
    "districts.d1.guards.stable_seconds",  # config.toml, a float
    "guards.stable_seconds",  # environment only
    "districts.d2.transfer.host",  # nowhere
    "districts.d1.transfer",  # a whole table
]


def test_the_same_answers_as_dlt(tmp_path):
    project = tmp_path / "project"
    (project / ".dlt").mkdir(parents=True)
    (project / ".dlt" / "config.toml").write_text(
        "[districts.d1.transfer]\nhost = 'from-config'\nport = 2222\n"
        "[districts.d1.guards]\nstable_seconds = 2.5\n"
    )
    (project / ".dlt" / "secrets.toml").write_text(
        "[districts.d1.transfer]\nprivate_key_file = 'keys/d1'\n"
    )
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DISTRICTS__", "GUARDS__", "DLT_"))
    }
    env |= {
        "PYTHONPATH": str(REPO_ROOT),
        "DLT_PROJECT_DIR": str(project),
        "DISTRICTS__D1__TRANSFER__HOST": "from-env",
        "GUARDS__STABLE_SECONDS": "7",
    }
    done = subprocess.run(
        [sys.executable, "-c", COMPARE, *KEYS],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    for key, (ours, dlts, ours_secret, dlts_secret) in zip(KEYS, answers, strict=True):
        assert ours == dlts, key
        assert ours_secret == dlts_secret, key
    assert answers[0][0] == "from-env" and answers[1][0] == 2222 and answers[6][0] is not None
