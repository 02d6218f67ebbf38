"""The district registry (districts.yml): which districts we load, and how."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ingest.paths import DEFAULT_REGISTRY

STATUSES = ("onboarding", "live", "paused")
API_TRANSFER = "powerschool_api"  # pulled through the PowerSchool API (ingest/api_pipeline.py)
TRANSFER_METHODS = ("sftp", "local", API_TRANSFER)
# What a district's `files:` entry may override of a dataset's declared file (its SIS's
# sources YAML); ingest.declarations.district_declarations applies them.
FILE_OVERRIDE_KEYS = ("pattern", "name_date", "encoding", "delimiter", "header")


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
    # per dataset, overrides of its file declaration (FILE_OVERRIDE_KEYS), e.g.
    # {"students": {"pattern": "Students.csv", "name_date": None}}
    files: dict = field(default_factory=dict)
    # its Data Validation Worksheet when not seeds/worksheets/<id>.csv (ingest/worksheets.py)
    worksheet: str | None = None
    approval: dict = field(default_factory=dict)  # `pathways validate` thresholds

    @property
    def transfer_method(self) -> str:
        return self.transfer["method"]


def safe_load_yaml(text: str):
    """yaml.safe_load through libyaml when installed: the sources files take ~0.5 s to read
    with the pure-Python parser, a tenth of a big file's ingest."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_registry(path: Path = DEFAULT_REGISTRY) -> list[District]:
    doc = safe_load_yaml(Path(path).read_text(encoding="utf-8")) or {}
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
        files = entry.get("files") or {}
        check_file_overrides(where, files)
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
                files={dataset: dict(spec) for dataset, spec in files.items()},
                worksheet=str(entry["worksheet"]) if entry.get("worksheet") else None,
                approval=dict(entry.get("approval") or {}),
            )
        )
    ids = [d.id for d in districts]
    if len(ids) != len(set(ids)):
        raise RegistryError(f"{path}: district ids must be unique")
    return districts


def check_file_overrides(where: str, files: object) -> None:
    """The shape of a district's `files:` (dataset -> {key: value}); the datasets themselves
    are checked against the SIS's declarations by ingest.declarations.district_declarations."""
    example = 'files: {students: {pattern: "Students.csv", name_date: null}}'
    if not isinstance(files, dict):
        raise RegistryError(f"{where}: files must map a dataset to its overrides, e.g. {example}")
    for dataset, spec in files.items():
        if not isinstance(spec, dict):
            raise RegistryError(
                f"{where}: files.{dataset} must map override keys to values, e.g. {example}"
            )
        unknown = sorted(set(spec) - set(FILE_OVERRIDE_KEYS))
        if unknown:
            raise RegistryError(
                f"{where}: files.{dataset} may override only {list(FILE_OVERRIDE_KEYS)}, "
                f"not {unknown}; e.g. {example}"
            )
