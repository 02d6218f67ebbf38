"""Pathways SIS integration: nightly ingest of district SIS exports into DuckDB (files through
DuckDB's own CSV parser, the PowerSchool API through dlt's REST client, both inserted from
Arrow by DuckDB)."""

import os

from ingest.paths import REPO_ROOT

# dlt reads its settings (.dlt/config.toml: load ids on Arrow rows, completed packages
# deleted) and secrets from DLT_PROJECT_DIR, else from the working directory. Point it at
# the repo whatever the working directory, for the CLI and for library use alike; an
# operator's own DLT_PROJECT_DIR wins. Set on import, before dlt resolves any setting.
os.environ.setdefault("DLT_PROJECT_DIR", str(REPO_ROOT))
