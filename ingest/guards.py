"""Guards against partial data: when a file is stable enough to read, how many unparseable
lines it may hold, and how far its row count may drop before a person must release it.

Defaults below. Overrides, most specific first: one district from the environment or
.dlt/config.toml (`DISTRICTS__<ID>__GUARDS__STABLE_SECONDS=10`), its entry in districts.yml
(`guards: {stable_seconds: 10, max_row_drop: {students: 0.2}}`), then every district
(`GUARDS__STABLE_SECONDS=10`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ingest import settings
from ingest.registry import District

# A nightly snapshot of students rarely shrinks by a tenth overnight; other datasets move
# more (a new term's grades, requests closed at the end of scheduling).
DEFAULT_MAX_ROW_DROP = {"students": 0.10, "staff": 0.20, "teachers": 0.20, "*": 0.30}


@dataclass(frozen=True)
class Guards:
    # a file is read only once its size and mtime stayed the same this long
    stable_seconds: float = 30.0
    # a file with a larger share of unparseable lines is rejected whole
    max_unparseable_share: float = 0.05
    # a file whose row count fell by more than this share of the last good file is held
    max_row_drop: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_MAX_ROW_DROP))

    def row_drop_limit(self, dataset: str) -> float:
        return float(self.max_row_drop.get(dataset, self.max_row_drop.get("*", 0.30)))


def _setting(district: District, key: str):
    """Most specific first: this district from the environment or .dlt/config.toml, then its
    registry entry, then every district from the environment or .dlt/config.toml."""
    value = settings.get(f"districts.{district.id}.guards.{key}")
    if value is None:
        value = (district.guards or {}).get(key)
    if value is None:
        value = settings.get(f"guards.{key}")
    return value


def guards_for(district: District) -> Guards:
    defaults = Guards()
    stable = _setting(district, "stable_seconds")
    share = _setting(district, "max_unparseable_share")
    drops = dict(defaults.max_row_drop)
    overrides = (district.guards or {}).get("max_row_drop") or {}
    drops.update({str(k): float(v) for k, v in overrides.items()})
    return Guards(
        stable_seconds=float(stable) if stable is not None else defaults.stable_seconds,
        max_unparseable_share=float(share) if share is not None else defaults.max_unparseable_share,
        max_row_drop=drops,
    )
