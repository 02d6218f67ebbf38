"""The bad-input corpus night: every case of tests/corpus/cases/ is its own synthetic district.

One registry (a temporary districts.yml, ids `case_<name>`, `local` transfer), one ingest of
every case, one `dbt build`: the corpus costs one night however many cases it holds. Cases
with `previous: true` first send their unmutated files on an earlier night (ingest only), so
that a row-count drop, a stale file or a rejected file has a good file to compare with and to
keep. The case format is described in tests/corpus/README.md.
"""

from __future__ import annotations

import copy
import os
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from ingest.declarations import FileDeclaration, declarations_for
from ingest.night import NightReport, ingest_districts
from ingest.paths import DEFAULT_REGISTRY
from ingest.registry import District, load_registry
from ingest.simulation.generators import GeneratedDistrict, generate_district
from ingest.transform import DbtRun, run_dbt
from tests.corpus.mutations import Mutated, Target, apply

CASES_DIR = Path(__file__).parent / "cases"
PREVIOUS_NIGHT, NIGHT = date(2026, 11, 27), date(2026, 11, 28)
DEFAULT_STUDENTS = 20
CASE_KEYS = {"about", "district", "students", "previous", "registry", "mutate", "expect"}
EXPECT_KEYS = {"dataset", "status", "reason", "rejected", "in_use", "marts"}


@dataclass
class Case:
    name: str
    path: Path
    about: str
    template: str  # the demo district copied (SIS, state, schools, export variant)
    students: int
    previous: bool
    registry: dict  # merged into the case district's registry entry
    mutate: dict  # {kind, dataset, ...args}
    expect: dict

    @property
    def district_id(self) -> str:
        return f"case_{self.name}"

    @property
    def dataset(self) -> str:
        return self.expect.get("dataset") or self.mutate["dataset"]


def load_cases(folder: Path = CASES_DIR) -> list[Case]:
    cases = []
    for path in sorted(folder.glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        where = f"{path.name}"
        unknown = set(doc) - CASE_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)} (known: {sorted(CASE_KEYS)})")
        missing = {"district", "mutate", "expect"} - set(doc)
        if missing:
            raise ValueError(f"{where}: lacks {sorted(missing)}")
        unknown = set(doc["expect"]) - EXPECT_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown expect keys {sorted(unknown)}")
        if "kind" not in doc["mutate"] or "dataset" not in doc["mutate"]:
            raise ValueError(f"{where}: mutate needs `kind` and `dataset`")
        cases.append(
            Case(
                name=path.stem,
                path=path,
                about=str(doc.get("about", "")),
                template=str(doc["district"]),
                students=int(doc.get("students", DEFAULT_STUDENTS)),
                previous=bool(doc.get("previous", False)),
                registry=dict(doc.get("registry") or {}),
                mutate=dict(doc["mutate"]),
                expect=dict(doc["expect"]),
            )
        )
    return cases


def _merge(base: dict, extra: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def write_registry(cases: list[Case], drop: Path, path: Path) -> Path:
    """Each case's district: its template demo district (state, SIS, schools, variant) under
    the case's id, reading a local folder."""
    templates = {
        d["id"]: d
        for d in yaml.safe_load(DEFAULT_REGISTRY.read_text(encoding="utf-8"))["districts"]
    }
    entries = []
    for case in cases:
        if case.template not in templates:
            raise ValueError(f"{case.path.name}: no demo district {case.template!r} in districts.yml")
        entry = {k: v for k, v in templates[case.template].items() if k != "demo"}
        if entry["transfer"]["method"] not in ("sftp", "local"):
            raise ValueError(f"{case.path.name}: {case.template} sends no files (API)")
        entry.update(
            id=case.district_id,
            name=f"corpus case {case.name} (synthetic)",
            transfer={"method": "local", "folder": str(drop / case.district_id)},
            demo={"seed": 7, "students": case.students, "encoding": "utf-8"},
        )
        entries.append(_merge(entry, case.registry))
    path.write_text(yaml.safe_dump({"districts": entries}, sort_keys=False), encoding="utf-8")
    return path


def _write_base(district: District, folder: Path, night: date) -> GeneratedDistrict:
    if folder.exists():
        for old in sorted(folder.rglob("*"), reverse=True):
            old.rmdir() if old.is_dir() else old.unlink()
    generated = generate_district(district, folder, night=night)
    settled = time.time() - 3600  # written an hour ago: stable
    for path in generated.paths:
        os.utime(path, (settled, settled))
    return generated


def declaration(district: District, dataset: str) -> FileDeclaration:
    for decl in declarations_for(district.sis):
        if decl.dataset == dataset:
            return decl.for_variant(district.export_variant)
    raise ValueError(f"{district.sis} declares no dataset {dataset!r}")


@dataclass
class CaseNight:
    case: Case
    district: District
    generated: GeneratedDistrict  # tonight's base, before the mutation
    mutated: Mutated
    previous_files: dict[str, str] = field(default_factory=dict)  # dataset -> previous file


@dataclass
class CorpusNight:
    db: Path
    build: DbtRun
    nights: dict[str, CaseNight]  # case name -> its night
    seconds: float

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.db), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="session")
def corpus_night(tmp_path_factory) -> CorpusNight:
    started = time.monotonic()
    cases = load_cases()
    tmp = tmp_path_factory.mktemp("corpus")
    work, drop = tmp / "work", tmp / "drop"
    db = work / "pathways.duckdb"
    registry = write_registry(cases, drop, tmp / "districts.yml")
    districts = {d.id: d for d in load_registry(registry)}
    everyone = list(districts.values())
    nights: dict[str, CaseNight] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATHWAYS_WORK_DIR", str(work))
        mp.setenv("PATHWAYS_DUCKDB_PATH", str(db))
        previous = {c.name: districts[c.district_id] for c in cases if c.previous}
        previous_files: dict[str, dict[str, str]] = {}
        if previous:
            for name, district in previous.items():
                generated = _write_base(district, drop / district.id, PREVIOUS_NIGHT)
                previous_files[name] = {k: p.name for k, p in generated.files.items()}
            ingest_districts(list(previous.values()), db, NightReport(), everyone)
        for case in cases:
            district = districts[case.district_id]
            generated = _write_base(district, drop / district.id, NIGHT)
            mutate = dict(case.mutate)
            kind, dataset = mutate.pop("kind"), mutate.pop("dataset")
            target = Target(generated.files[dataset], declaration(district, dataset))
            nights[case.name] = CaseNight(
                case, district, generated, apply(kind, target, mutate),
                previous_files.get(case.name, {}),
            )
        ingest_districts(everyone, db, NightReport(), everyone)
        build = run_dbt("build", "--exclude", "test_type:unit", db_path=db, quiet=True)
    return CorpusNight(db, build, nights, time.monotonic() - started)
