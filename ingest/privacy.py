"""Student data stays with the warehouse's audience: files the run creates are owner-only
whatever the umask, and no message carries a field value of a district's file."""

from __future__ import annotations

import os
import re
import traceback
from pathlib import Path

OWNER_ONLY_UMASK = 0o077


def owner_only() -> None:
    """Every file and folder this process creates from now on is owner-only (0600/0700):
    DuckDB's database, WAL and spill files, dlt's working folders, scratch copies."""
    os.umask(OWNER_ONLY_UMASK)


def restrict(path: Path) -> None:
    """Make an existing file or folder (and what a folder holds) owner-only: a warehouse made
    by an older version, or under a looser umask, is closed on the next run."""
    if not path.exists() or path.is_symlink():
        return
    path.chmod(0o700 if path.is_dir() else 0o600)
    if path.is_dir():
        for child in path.rglob("*"):
            if not child.is_symlink():
                child.chmod(0o700 if child.is_dir() else 0o600)


# Messages of our own exceptions are written to be safe; anything else may quote data (a
# DuckDB error prints the offending line, a UnicodeDecodeError the bytes).
_LINE = re.compile(r"\bline[: ]+(\d+)", re.IGNORECASE)


def describe_error(err: BaseException) -> str:
    """What went wrong, without the exception's text: its type, where it was raised, and the
    line number when the text names one."""
    frames = traceback.extract_tb(err.__traceback__)
    where = ""
    if frames:
        last = frames[-1]
        where = f" in {Path(last.filename).name}:{last.lineno}"
    line = _LINE.search(str(err))
    at_line = f" near line {line.group(1)}" if line else ""
    return f"{type(err).__name__}{where}{at_line}"
