"""The bad-input corpus night: every case of tests/corpus/cases/ is its own synthetic district.

One registry (a temporary districts.yml, ids `case_<name>`, `local` transfer), one ingest of
every case, one `dbt build`: the corpus costs one night however many cases it holds. Cases
with `previous: true` first send their unmutated files on an earlier night (ingest only), so
that a row-count drop, a stale file or a rejected file has a good file to compare with and to
keep. The case format is described in tests/corpus/README.md.

Cases may also declare district crosswalk rows (`crosswalk_rows`: the night is then built by
one copy of the project with every case's rows appended, each naming its case's district) and
a Data Validation Worksheet (`worksheet`: written into the corpus's PATHWAYS_WORKSHEET_DIR).
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import fnmatch
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from ingest.crosswalks import seed_columns
from ingest.declarations import FileDeclaration, district_declarations
from ingest.night import NightReport, ingest_districts
from ingest.paths import DBT_PROJECT_DIR, DEFAULT_REGISTRY, REPO_ROOT
from ingest.registry import District, load_registry
from ingest.simulation.generators import GeneratedDistrict, generate_district
from ingest.simulation.generators.users import add_users
from ingest.transform import DbtRun, build_results_path, run_dbt
from ingest.worksheets import HEADER as WORKSHEET_HEADER
from tests.corpus.mutations import Mutated, Target, apply

CASES_DIR = Path(__file__).parent / "cases"
PREVIOUS_NIGHT, NIGHT = date(2026, 11, 27), date(2026, 11, 28)
DEFAULT_STUDENTS = 20
NOT_PER_STUDENT = {"courses", "course_crosswalk", "staff", "teachers", "users"}
CASE_KEYS = {
    "about",
    "district",
    "students",
    "previous",
    "registry",
    "mutate",
    "expect",
    "covers",
    "datasets",
    "crosswalk_rows",
    "worksheet",
}
EXPECT_KEYS = {
    "dataset",
    "status",
    "reason",
    "rejected",
    "in_use",
    "marts",
    "file",
    "worksheet",
    "worksheet_error",
    "tests",
}


@dataclass
class Case:
    name: str
    path: Path
    about: str
    template: str  # the demo district copied (SIS, state, schools, export variant)
    students: int
    previous: bool
    registry: dict  # merged into the case district's registry entry
    mutate: list[dict]  # each {kind, dataset, ...args}, applied in order
    expect: dict
    covers: list[str]  # rule ids of tests/corpus/rules.yml this case pins
    datasets: list[str] | None  # the files sent (None: every file the generator writes)
    # seed name -> rows appended to it in the corpus's copy of the project (naming the case)
    crosswalk_rows: dict[str, list[str]] = field(default_factory=dict)
    worksheet: list[str] | None = None  # the worksheet's lines after its header

    @property
    def district_id(self) -> str:
        return f"case_{self.name}"

    @property
    def dataset(self) -> str:
        return self.expect.get("dataset") or self.mutate[-1]["dataset"]


def load_cases(folder: Path = CASES_DIR, names: str | None = None) -> list[Case]:
    """Every case, or those whose name matches CORPUS_CASES (globs, comma-separated:
    `CORPUS_CASES='gpa_*,stale_file'`)."""
    cases = []
    wanted = (names or os.environ.get("CORPUS_CASES") or "*").split(",")
    for path in sorted(folder.glob("*.yml")):
        if not any(fnmatch.fnmatchcase(path.stem, w.strip()) for w in wanted):
            continue
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        where = f"{path.name}"
        unknown = set(doc) - CASE_KEYS
        if unknown:
            raise ValueError(
                f"{where}: unknown keys {sorted(unknown)} (known: {sorted(CASE_KEYS)})"
            )
        missing = {"district", "expect"} - set(doc)
        if missing:
            raise ValueError(f"{where}: lacks {sorted(missing)}")
        unknown = set(doc["expect"]) - EXPECT_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown expect keys {sorted(unknown)}")
        mutate = doc.get("mutate") or []
        mutate = mutate if isinstance(mutate, list) else [mutate]
        if any("kind" not in m or "dataset" not in m for m in mutate):
            raise ValueError(f"{where}: each mutation needs `kind` and `dataset`")
        if not mutate and not doc["expect"].get("dataset"):
            raise ValueError(f"{where}: without `mutate`, name the file's `expect.dataset`")
        district_id = f"case_{path.stem}"
        worksheet = doc.get("worksheet")
        cases.append(
            Case(
                name=path.stem,
                path=path,
                about=str(doc.get("about", "")),
                template=str(doc["district"]),
                students=int(doc.get("students", DEFAULT_STUDENTS)),
                previous=bool(doc.get("previous", False)),
                registry=dict(doc.get("registry") or {}),
                mutate=[dict(m) for m in mutate],
                expect=dict(doc["expect"]),
                covers=[str(c) for c in doc.get("covers") or []],
                datasets=_datasets(doc.get("datasets"), mutate, doc["expect"].get("dataset")),
                crosswalk_rows=_crosswalk_rows(where, district_id, doc.get("crosswalk_rows")),
                worksheet=None if worksheet is None else [str(line) for line in worksheet],
            )
        )
    return cases


def _crosswalk_rows(where: str, district_id: str, declared) -> dict[str, list[str]]:
    """`{seed: [row, ...]}`, `{district}` in a row standing for the case's district id. Every
    row must name the case's district (its district_id column): a row of one case never maps
    another case's codes."""
    out: dict[str, list[str]] = {}
    for seed, rows in (declared or {}).items():
        columns = seed_columns(seed)
        at = columns.index("district_id")
        out[seed] = []
        for row in rows:
            line = str(row).replace("{district}", district_id)
            fields = next(csv.reader([line]))
            if len(fields) != len(columns) or fields[at] != district_id:
                raise ValueError(
                    f"{where}: crosswalk row {line!r} of {seed} must have {len(columns)} "
                    f"values ({','.join(columns)}) and district_id {district_id} "
                    "(write {district})"
                )
            out[seed].append(line)
    return out


def _datasets(declared, mutate: list[dict], expected: str | None) -> list[str] | None:
    """The files a case sends: `all`, a list, or by default the mutated datasets, plus
    students for a per-student dataset (its rules read the accepted students). Fewer files,
    a faster night: dlt's per-file cost is most of the corpus's time."""
    if declared == "all":
        return None
    if declared:
        return [str(d) for d in declared]
    mutated = {m["dataset"] for m in mutate} | ({expected} if expected else set())
    per_student = mutated - NOT_PER_STUDENT
    return sorted(mutated | ({"students"} if per_student else set()))


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
            raise ValueError(
                f"{case.path.name}: no demo district {case.template!r} in districts.yml"
            )
        entry = dict(templates[case.template])
        if entry["transfer"]["method"] not in ("sftp", "local"):
            raise ValueError(f"{case.path.name}: {case.template} sends no files (API)")
        entry.update(
            id=case.district_id,
            name=f"corpus case {case.name} (synthetic)",
            transfer={"method": "local", "folder": str(drop / case.district_id)},
            # the template's encoding (a UTF-16 or Windows-1252 export stays one)
            demo={**(entry.get("demo") or {}), "seed": 7, "students": case.students},
        )
        entries.append(_merge(entry, case.registry))
    path.write_text(yaml.safe_dump({"districts": entries}, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class TemplateNights:
    """Each template's night, generated once (per size and night) and copied to its cases."""

    folder: Path
    generated: dict[str, GeneratedDistrict] = field(default_factory=dict)


def _write_base(
    case: Case, district: District, folder: Path, night: date, cache: TemplateNights
) -> GeneratedDistrict:
    """The case's unmutated files: its template's night, generated once per template, size
    and night and copied, minus the datasets the case does not send."""
    own = district.files  # a case's `files:` overrides name the generated files
    suffix = "-" + hashlib.sha256(json.dumps(own, sort_keys=True).encode()).hexdigest()[:8]
    suffix = suffix if own else ""
    source = cache.folder / f"{case.template}-{case.students}-{night:%Y%m%d}{suffix}"
    key = source.name
    if key not in cache.generated:
        template = dataclasses.replace(district, id=case.template, name=case.template)
        generated = generate_district(template, source, night=night)
        settled = time.time() - 3600  # written an hour ago: stable
        for path in generated.paths:
            os.utime(path, (settled, settled))
        cache.generated[key] = generated
    generated = cache.generated[key]
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(source, folder)  # copy2: modification times kept
    keep = set(case.datasets or generated.files)
    files = {}
    for dataset, path in generated.files.items():
        copied = folder / path.relative_to(source)
        if dataset in keep:
            files[dataset] = copied
        else:
            copied.unlink()
    copied = dataclasses.replace(
        generated,
        folder=folder,
        files=files,
        paths=list(files.values()),
        rows=dict(generated.rows),
        expected_marts=dict(generated.expected_marts),
    )
    if district.demo.get("users") and (case.datasets is None or "users" in case.datasets):
        # the optional Users data (any SIS), for templates with `demo: {users: true}`
        add_users(district, copied, night, int(district.demo.get("seed", 7)))
    return copied


def declaration(district: District, dataset: str) -> FileDeclaration:
    """The district's declaration of the dataset (variant, `files:` overrides; Users data)."""
    for decl in district_declarations(district, platform=True):
        if decl.dataset == dataset:
            return decl
    raise ValueError(f"{district.sis} declares no dataset {dataset!r}")


def project_with_rows(cases: list[Case], root: Path) -> Path | None:
    """A copy of the dbt project (dbt_project/, seeds/, macros/, tests/dbt/, the layout its
    relative paths expect) with every case's crosswalk rows appended; None when no case
    declares any. One copy for the whole corpus: each row names its case's district."""
    rows: dict[str, list[str]] = {}
    for case in cases:
        for seed, lines in case.crosswalk_rows.items():
            rows.setdefault(seed, []).extend(lines)
    if not rows:
        return None
    shutil.copytree(
        DBT_PROJECT_DIR, root / "dbt_project", ignore=shutil.ignore_patterns("target", "logs")
    )
    # dbt's partial parse state: the copy parses only the seeds that changed
    state = DBT_PROJECT_DIR / "target" / "partial_parse.msgpack"
    if state.is_file():
        (root / "dbt_project" / "target").mkdir()
        shutil.copy2(state, root / "dbt_project" / "target" / state.name)
    for folder in ("seeds", "macros", "tests/dbt"):
        shutil.copytree(REPO_ROOT / folder, root / folder)
    for seed, lines in rows.items():
        path = root / "seeds" / f"{seed}.csv"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return root / "dbt_project"


def write_worksheets(cases: list[Case], folder: Path) -> Path:
    """Each case's worksheet lines, after the header, as `<folder>/<case district>.csv`."""
    folder.mkdir(parents=True, exist_ok=True)
    for case in cases:
        if case.worksheet is not None:
            lines = [",".join(WORKSHEET_HEADER), *case.worksheet]
            (folder / f"{case.district_id}.csv").write_text(
                "\n".join(lines) + "\n", encoding="utf-8"
            )
    return folder


@dataclass
class CaseNight:
    case: Case
    district: District
    generated: GeneratedDistrict  # tonight's base, before the mutation
    mutated: Mutated
    previous_files: dict[str, str] = field(default_factory=dict)  # dataset -> previous file
    file: Path | None = None  # tonight's file of the case's dataset (before a rename)


@dataclass
class CorpusNight:
    db: Path
    build: DbtRun
    nights: dict[str, CaseNight]  # case name -> its night
    seconds: dict[str, float]  # phase -> seconds (previous night, night, build)
    report: NightReport = field(default_factory=NightReport)  # tonight's ingest
    worksheets: Path | None = None  # the corpus's PATHWAYS_WORKSHEET_DIR
    project: Path | None = None  # the copy of the project with the cases' crosswalk rows

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.db), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def stored_failures(self, test: str) -> str | None:
        """The relation holding a data test's failing rows in this night's build."""
        results = json.loads(build_results_path(self.db).read_text(encoding="utf-8"))
        for node in results["results"]:
            if node["name"] == test and node["resource_type"] == "test":
                return node["relation_name"]
        return None


@pytest.fixture(scope="session")
def corpus_night(tmp_path_factory) -> CorpusNight:
    cases = load_cases()
    seconds: dict[str, float] = {}
    clock = time.monotonic()

    def lap(phase: str) -> None:
        nonlocal clock
        seconds[phase], clock = time.monotonic() - clock, time.monotonic()

    tmp = tmp_path_factory.mktemp("corpus")
    work, drop, cache = tmp / "work", tmp / "drop", TemplateNights(tmp / "generated")
    db = work / "pathways.duckdb"
    registry = write_registry(cases, drop, tmp / "districts.yml")
    project = project_with_rows(cases, tmp / "project")
    worksheets = write_worksheets(cases, tmp / "worksheets")
    districts = {d.id: d for d in load_registry(registry)}
    everyone = list(districts.values())
    nights: dict[str, CaseNight] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATHWAYS_WORK_DIR", str(work))
        mp.setenv("PATHWAYS_DUCKDB_PATH", str(db))
        mp.setenv("PATHWAYS_WORKSHEET_DIR", str(worksheets))
        if project:
            mp.setenv("PATHWAYS_DBT_PROJECT_DIR", str(project))
        previous = {c.name: districts[c.district_id] for c in cases if c.previous}
        previous_files: dict[str, dict[str, str]] = {}
        if previous:
            for name, district in previous.items():
                case = next(c for c in cases if c.name == name)
                generated = _write_base(case, district, drop / district.id, PREVIOUS_NIGHT, cache)
                previous_files[name] = {k: p.name for k, p in generated.files.items()}
            ingest_districts(list(previous.values()), db, NightReport(), everyone)
        lap("previous night")
        for case in cases:
            district = districts[case.district_id]
            generated = _write_base(case, district, drop / district.id, NIGHT, cache)
            files = dict(generated.files)
            mutated = Mutated(
                files[case.dataset].name if case.dataset in files else None,
                generated.rows.get(case.dataset, 0),
            )
            for mutation in case.mutate:
                args = dict(mutation)
                kind, dataset = args.pop("kind"), args.pop("dataset")
                decl = declaration(district, dataset)
                mutated = apply(kind, Target(files[dataset], decl), args)
                if mutated.file_name:
                    files[dataset] = files[dataset].parent / mutated.file_name
            nights[case.name] = CaseNight(
                case,
                district,
                generated,
                mutated,
                previous_files.get(case.name, {}),
                files.get(case.dataset),
            )
        lap("write and mutate")
        report = NightReport()
        ingest_districts(everyone, db, report, everyone)
        lap("ingest")
        # dbt's unit tests read no data: test_dbt_unit_tests runs them
        build = run_dbt("build", "--exclude", "test_type:unit", db_path=db, quiet=True)
        lap("dbt build")
    return CorpusNight(db, build, nights, seconds, report, worksheets, project)
