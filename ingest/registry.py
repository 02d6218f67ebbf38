"""The district registry (districts.yml): which districts we load, and how."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ingest.paths import DEFAULT_REGISTRY

STATUSES = ("onboarding", "live", "paused")
API_TRANSFER = "powerschool_api"  # pulled through the PowerSchool API (ingest/api_pipeline.py)
TRANSFER_METHODS = ("sftp", "local", API_TRANSFER)


class RegistryError(ValueError):
    pass


@dataclass(frozen=True)
class School:
    school_id: str
    state_school_id: str
    name: str
    grade_low: str
    grade_high: str


@dataclass(frozen=True)
class District:
    id: str
    name: str
    state: str
    state_district_id: str
    sis: str
    status: str
    timezone: str
    transfer: dict  # method plus its non-secret settings; secrets resolve at run time
    schools: tuple[School, ...] = ()
    export_variant: str | None = None  # for a SIS whose files come in variants (eSchool)
    demo: dict = field(default_factory=dict)  # synthetic generator settings (demo districts)
    guards: dict = field(default_factory=dict)  # overrides of ingest.guards.Guards
    approval: dict = field(default_factory=dict)  # `pathways validate` thresholds

    @property
    def transfer_method(self) -> str:
        return self.transfer["method"]


def load_registry(path: Path = DEFAULT_REGISTRY) -> list[District]:
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    districts = []
    for entry in doc.get("districts", []):
        where = f"{path}: district {entry.get('id', '?')!r}"
        missing = {"id", "name", "state", "sis", "status", "timezone", "transfer"} - set(entry)
        if missing:
            raise RegistryError(f"{where} lacks {sorted(missing)}")
        if entry["status"] not in STATUSES:
            raise RegistryError(f"{where}: status must be one of {STATUSES}")
        if entry["transfer"].get("method") not in TRANSFER_METHODS:
            raise RegistryError(f"{where}: transfer.method must be one of {TRANSFER_METHODS}")
        districts.append(
            District(
                id=str(entry["id"]),
                name=entry["name"],
                state=entry["state"],
                state_district_id=str(entry.get("state_district_id", "")),
                sis=entry["sis"],
                status=entry["status"],
                timezone=entry["timezone"],
                transfer=dict(entry["transfer"]),
                schools=tuple(
                    School(**{k: str(v) for k, v in s.items()}) for s in entry.get("schools", [])
                ),
                demo=dict(entry.get("demo") or {}),
                export_variant=entry.get("export_variant"),
                guards=dict(entry.get("guards") or {}),
                approval=dict(entry.get("approval") or {}),
            )
        )
    ids = [d.id for d in districts]
    if len(ids) != len(set(ids)):
        raise RegistryError(f"{path}: district ids must be unique")
    return districts
