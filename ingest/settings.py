"""Settings lookup the way dlt does it (`dlt.config.get` / `dlt.secrets.get`), without dlt.

Importing dlt takes ~0.6 s, more than a tenth of a big file's whole ingest, and the file path
needs nothing else of it. Same places, same order as dlt's default providers: the
environment (`DISTRICTS__<ID>__TRANSFER__<KEY>`), then `secrets.toml`, then `config.toml`
(secrets: /run/secrets, the environment and `secrets.toml` only), each the project's `.dlt/`
(DLT_PROJECT_DIR, else the working directory) over dlt's global folder.
tests/unit/test_settings.py checks the answers against dlt's own.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any


def _dot_dlt() -> str:
    return os.environ.get("DLT_CONFIG_FOLDER", ".dlt")


def _global_dir() -> Path:
    """dlt's global folder (dlt.common.runtime.run_context.global_dir)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Path("/var/dlt")
    home = os.path.expanduser("~")
    if not home or not os.access(home, os.W_OK):
        return Path(tempfile.gettempdir()) / "dlt"
    if "XDG_DATA_HOME" in os.environ and not os.path.isdir(os.path.join(home, _dot_dlt())):
        return Path(os.environ["XDG_DATA_HOME"]) / "dlt"
    return Path(home) / _dot_dlt()


def _toml_value(name: str, parts: list[str]) -> Any:
    project = Path(os.environ.get("DLT_PROJECT_DIR", ".")) / _dot_dlt()
    for folder in (project, _global_dir()):  # the project's values win
        try:
            doc: Any = tomllib.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
        for part in parts:
            doc = doc.get(part) if isinstance(doc, dict) else None
        if doc is not None:
            return doc
    return None


def get(key: str, *, secret: bool = False) -> Any:
    """The value of a dotted key (`districts.d1.transfer.host`), or None. From the
    environment a value is its text, from a toml file its toml type (as with dlt)."""
    parts = key.split(".")
    env_name = "__".join(parts).upper()
    if secret:  # docker / kubernetes secrets, as dlt's environment provider reads them
        name = env_name.lower().replace("_", "-")
        path = Path("/run/secrets") / name
        try:
            return (path / name if path.is_dir() else path).read_text(encoding="utf-8")
        except OSError:
            pass
    value = os.environ.get(env_name)
    if value is not None:
        return value
    for name in ("secrets.toml",) if secret else ("secrets.toml", "config.toml"):
        value = _toml_value(name, parts)
        if value is not None:
            return value
    return None
