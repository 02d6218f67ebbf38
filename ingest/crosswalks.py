"""Ready-to-paste district rows of the code crosswalk seeds (seeds/xwalk_*.csv).

Every crosswalk seed has a `district_id` column: empty for the SIS-wide row, a district id
for a code that district defines itself (its row wins over the SIS-wide row of the same
(sis, source_code), for that district only: macros/rules/row_context.sql). When a district
sends a code no row maps, the fix is one line of the seed naming the district:

    >>> crosswalk_row("xwalk_terms", "eschool", "cedar_bend_isd", "sem1")
    'eschool,cedar_bend_isd,SEM1,,,,,'

The code is stored as staging compares it (trimmed, upper-case). The target columns are
left empty for the engineer to fill in (what the district's code means is the district's
answer, never a guess); a caller that knows them passes `values`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from ingest.paths import REPO_ROOT

SEEDS_DIR = REPO_ROOT / "seeds"
KEY_COLUMNS = ("sis", "district_id", "source_code")


class CrosswalkError(ValueError):
    """An unknown crosswalk seed or column."""


def crosswalk_seeds(seeds_dir: Path = SEEDS_DIR) -> list[str]:
    """The crosswalk seeds, by name (`xwalk_terms`, ...)."""
    return sorted(p.stem for p in seeds_dir.glob("xwalk_*.csv"))


def _path(seed: str, seeds_dir: Path) -> Path:
    name = seed.removesuffix(".csv")
    path = seeds_dir / f"{name}.csv"
    if not name.startswith("xwalk_") or not path.is_file():
        raise CrosswalkError(
            f"no crosswalk seed {seed!r} in {seeds_dir}; one of {crosswalk_seeds(seeds_dir)}"
        )
    return path


def seed_columns(seed: str, seeds_dir: Path = SEEDS_DIR) -> list[str]:
    """The seed's columns in file order (its header line)."""
    with _path(seed, seeds_dir).open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f), [])
    missing = [c for c in KEY_COLUMNS if c not in header]
    if missing:
        raise CrosswalkError(f"{seed}: header {header} lacks {missing}")
    return header


def crosswalk_row(
    seed: str,
    sis: str,
    district_id: str,
    source_code: str,
    values: Mapping[str, object] | None = None,
    seeds_dir: Path = SEEDS_DIR,
) -> str:
    """One CSV line of the seed (no line end) mapping the district's own code: the seed's
    columns in order, sis / district_id / source_code set, the target columns from `values`
    (empty when not given, for the engineer to fill in)."""
    columns = seed_columns(seed, seeds_dir)
    values = dict(values or {})
    unknown = sorted(set(values) - set(columns) - set(KEY_COLUMNS))
    if unknown:
        raise CrosswalkError(f"{seed} has no columns {unknown}; its columns are {columns}")
    if not district_id:
        raise CrosswalkError("a district row names its district (district_id)")
    row = {
        **{k: v for k, v in values.items() if k not in KEY_COLUMNS},
        "sis": sis,
        "district_id": district_id,
        "source_code": source_code.strip().upper(),
    }
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(
        ["" if row.get(c) is None else _text(row[c]) for c in columns]
    )
    return out.getvalue()


def _text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
