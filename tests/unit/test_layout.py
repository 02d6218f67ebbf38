"""Every SIS is laid out alike, so the next one (PowerSchool) cannot drift.

The SIS are the `meta.sis` values of the staging sources YAMLs (the platform's own
`pathways` source aside). For each, the tree must hold the same pieces:

- staging: `models/staging/<sis>/` with `_<sis>__sources.yml`, `_<sis>__models.yml`,
  `_<sis>__docs.md` and `stg_<sis>__*.sql` models, each documented in the models YAML;
- intermediate: `int_<sis>__<entity>.sql` in the entity folders, documented (with their unit
  tests) in one `models/intermediate/_int_<sis>__models.yml`, never in the entity YAMLs;
- tags and node colour set once: the staging folder in dbt_project.yml, each int model in
  its SIS's YAML with the same tag and colour; no `config()` header in model SQL;
- macros: `macros/<sis>/` only where the SIS has macros of its own (rule: optional, but
  complete when present: a `_<sis>__macros.yml` documenting every macro there, each named
  `<sis>_*`, and no `<sis>_*` macro elsewhere);
- simulation: `ingest/simulation/generators/<sis>.py` with a `build` function;
- ingest: no per-SIS code for file SIS (their files are declared); a SIS that sends no files
  (PowerSchool's API) has all of API_KINDS instead: its source package `ingest/<sis>/`,
  its emulator `ingest/simulation/<sis>_server.py` and their tests;
- tests: `tests/integration/test_<sis>_night.py` and `tests/unit/test_<sis>_generator.py`;
- codes only through crosswalk seeds: no `case <column> when '<code>'` in the models.

And `git ls-files | grep <sis>` shows the same kinds of files for every SIS.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
import yaml

from ingest.paths import DBT_PROJECT_DIR, REPO_ROOT

MODELS = DBT_PROJECT_DIR / "models"
STAGING = MODELS / "staging"
INTERMEDIATE = MODELS / "intermediate"
MACROS = REPO_ROOT / "macros"
GENERATORS = REPO_ROOT / "ingest" / "simulation" / "generators"
PLATFORM = "pathways"  # the platform's own source (registry, manifest, run log): not a SIS
KNOWN = {"skyward_sms", "skyward_qmlativ", "ascender", "eschool", "harmony", "powerschool"}
# the macros folder exists only where needed; a source package only for a SIS sending no files
OPTIONAL_KINDS = ("macros/<sis>/",)
# A SIS that sends no files but answers an API (PowerSchool) has, instead of nothing, all of
# these: its source package, its server emulator and their tests.
API_KINDS = (
    "ingest/<sis>/",
    "ingest/simulation/<sis>_server.py",
    "tests/integration/test_<sis>_emulator.py",
    "tests/integration/test_<sis>_source.py",
    "tests/unit/test_<sis>_plugin.py",
)


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@cache
def _sis_list() -> tuple[str, ...]:
    found = []
    for path in sorted(STAGING.glob("*/_*__sources.yml")):
        for source in _yaml(path).get("sources", []):
            sis = (source.get("meta") or {}).get("sis")
            if sis and sis != PLATFORM:
                found.append(sis)
    return tuple(sorted(set(found)))


SIS = _sis_list()


@cache
def _project() -> dict:
    return _yaml(DBT_PROJECT_DIR / "dbt_project.yml")


def _models_in(path: Path) -> dict[str, dict]:
    return {m["name"]: m for m in _yaml(path).get("models", [])}


def _unit_tests_in(path: Path) -> list[dict]:
    return _yaml(path).get("unit_tests", [])


def _int_models(sis: str) -> set[str]:
    return {p.stem for p in INTERMEDIATE.glob(f"*/int_{sis}__*.sql")}


def _staging_colour(sis: str) -> str:
    folder = _project()["models"]["pathways"]["staging"][sis]
    return folder["+docs"]["node_color"]


def test_the_sis_list_comes_from_the_sources_yamls():
    assert set(SIS) >= KNOWN, f"sources YAMLs declare {SIS}: a SIS lost its meta.sis?"


# --------------------------------------------------------------------------- staging


@pytest.mark.parametrize("sis", SIS)
def test_staging_folder_has_sources_models_docs_and_models(sis):
    folder = STAGING / sis
    for name in (f"_{sis}__sources.yml", f"_{sis}__models.yml", f"_{sis}__docs.md"):
        assert (folder / name).is_file(), f"{sis}: missing {folder / name}"
    sql = {p.stem for p in folder.glob("*.sql")}
    assert sql, f"{sis}: no staging models in {folder}"
    misnamed = {s for s in sql if not re.fullmatch(rf"(stg|base)_{sis}__\w+", s)}
    assert not misnamed, f"{sis}: staging models must be stg_{sis}__* / base_{sis}__*"
    undocumented = sql - set(_models_in(folder / f"_{sis}__models.yml"))
    assert not undocumented, f"{sis}: not in _{sis}__models.yml: {sorted(undocumented)}"


@pytest.mark.parametrize("sis", SIS)
def test_source_and_staging_folder_carry_the_sis_tag(sis):
    sources = _yaml(STAGING / sis / f"_{sis}__sources.yml")["sources"]
    for source in sources:
        assert sis in source.get("tags", []), f"source {source['name']}: tag it {sis!r}"
    folder = _project()["models"]["pathways"]["staging"].get(sis)
    assert folder, f"dbt_project.yml: set +tags and +docs for models/staging/{sis}"
    assert folder["+tags"] == [sis]
    assert re.fullmatch(r"#[0-9a-f]{6}", _staging_colour(sis))


def test_every_sis_has_its_own_colour():
    colours = [_staging_colour(sis) for sis in SIS]
    assert len(set(colours)) == len(colours), dict(zip(SIS, colours, strict=True))


# --------------------------------------------------------------------------- intermediate


@pytest.mark.parametrize("sis", SIS)
def test_int_models_are_documented_in_one_yaml_per_sis(sis):
    path = INTERMEDIATE / f"_int_{sis}__models.yml"
    assert path.is_file(), f"{sis}: missing {path}"
    sql = _int_models(sis)
    assert sql, f"{sis}: no int_{sis}__* models in the entity folders"
    documented = _models_in(path)
    assert set(documented) == sql, (
        f"{path.name} must document exactly the SIS's int models: "
        f"missing {sorted(sql - set(documented))}, extra {sorted(set(documented) - sql)}"
    )
    tested = {t["model"] for t in _unit_tests_in(path)}
    assert tested, f"{path.name}: the SIS's unit tests belong here"
    assert tested <= sql


@pytest.mark.parametrize("sis", SIS)
def test_int_models_set_tag_and_colour_once_in_their_yaml(sis):
    colour = _staging_colour(sis)
    for name, model in _models_in(INTERMEDIATE / f"_int_{sis}__models.yml").items():
        config = model.get("config") or {}
        assert config.get("tags") == [sis], f"{name}: config.tags must be [{sis!r}]"
        assert (config.get("docs") or {}).get("node_color") == colour, (
            f"{name}: node_color must be the SIS colour of dbt_project.yml ({colour})"
        )


def test_entity_yamls_hold_only_cross_sis_models():
    for path in sorted(INTERMEDIATE.glob("*/_int_*__models.yml")):
        for name in _models_in(path):
            assert not any(name.startswith(f"int_{sis}__") for sis in SIS), (
                f"{path.relative_to(REPO_ROOT)}: {name} belongs in its SIS's _int_<sis>__models.yml"
            )
        for test in _unit_tests_in(path):
            assert not any(test["model"].startswith(f"int_{sis}__") for sis in SIS), (
                f"{path.relative_to(REPO_ROOT)}: unit test {test['name']} belongs in its SIS's "
                "_int_<sis>__models.yml"
            )


def test_no_model_sql_sets_tags_or_colours():
    for path in sorted(MODELS.rglob("*.sql")):
        text = path.read_text(encoding="utf-8")
        for call in re.findall(r"\{\{\s*config\((.*?)\)\s*\}\}", text, re.S):
            assert not re.search(r"\b(tags|docs)\s*=", call), (
                f"{path.relative_to(REPO_ROOT)}: tags and node colours are set in YAML / "
                "dbt_project.yml, once"
            )


def test_codes_map_only_through_crosswalk_seeds():
    simple_case = re.compile(r"\bcase\s+\w+\s+when\s+'", re.I)
    for path in sorted(MODELS.rglob("*.sql")):
        text = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))
        assert not simple_case.search(text), (
            f"{path.relative_to(REPO_ROOT)}: maps a code with an inline case; add rows to a "
            "seeds/xwalk_*.csv crosswalk and join it"
        )


# --------------------------------------------------------------------------- macros


def _macro_names(path: Path) -> set[str]:
    return set(re.findall(r"{%-?\s*macro\s+(\w+)\s*\(", path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("sis", SIS)
def test_sis_macros_folder_is_complete_when_present(sis):
    folder = MACROS / sis
    defined_elsewhere = {
        name
        for path in MACROS.rglob("*.sql")
        if path.parent != folder
        for name in _macro_names(path)
        if name.startswith(f"{sis}_")
    }
    assert not defined_elsewhere, f"{sis}'s own macros live in macros/{sis}/"
    if not folder.exists():
        return  # rule: a macros folder only where the SIS has macros of its own
    defined = {name for path in folder.glob("*.sql") for name in _macro_names(path)}
    assert defined, f"macros/{sis}/ holds no macro: remove it"
    misnamed = {name for name in defined if not name.startswith(f"{sis}_")}
    assert not misnamed, f"macros/{sis}/: name them {sis}_*: {sorted(misnamed)}"
    yml = folder / f"_{sis}__macros.yml"
    assert yml.is_file(), f"missing {yml}"
    documented = {m["name"] for m in _yaml(yml).get("macros", [])}
    assert documented == defined, (
        f"{yml.name}: document every macro: missing {sorted(defined - documented)}, "
        f"stale {sorted(documented - defined)}"
    )


# --------------------------------------------------------------------------- simulation, tests


@pytest.mark.parametrize("sis", SIS)
def test_generator_module_has_a_build_function(sis):
    path = GENERATORS / f"{sis}.py"
    assert path.is_file(), f"{sis}: missing {path} (see generators/__init__.py)"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert any(isinstance(n, ast.FunctionDef) and n.name == "build" for n in tree.body)


@pytest.mark.parametrize("sis", SIS)
def test_integration_and_generator_tests_exist(sis):
    for path in (
        REPO_ROOT / "tests" / "integration" / f"test_{sis}_night.py",
        REPO_ROOT / "tests" / "unit" / f"test_{sis}_generator.py",
    ):
        assert path.is_file(), f"{sis}: missing {path.relative_to(REPO_ROOT)}"


# --------------------------------------------------------------------------- git ls-files


def _kind(path: str, sis: str) -> str:
    kind = path.replace(sis, "<sis>")
    kind = re.sub(r"\b(stg|base|int)_<sis>__\w+\.sql$", r"\1_<sis>__*.sql", kind)
    kind = re.sub(r"/intermediate/\w+/int_", "/intermediate/*/int_", kind)
    return re.sub(r"^macros/<sis>/[^/]+\.sql$", "macros/<sis>/*.sql", kind)


def _tracked() -> list[str]:
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    done = subprocess.run(
        ["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    # the bad-input corpus's cases are data named by what they break, some by SIS: not a piece
    return [f for f in done.stdout.split() if not f.startswith("tests/corpus/cases/")]


def _kinds(files: list[str], sis: str) -> set[str]:
    # another SIS whose name contains this one's would be counted twice: none today
    others = [s for s in SIS if s != sis and sis in s]
    return {_kind(f, sis) for f in files if sis in f and not any(other in f for other in others)}


def test_git_ls_files_shows_the_same_kinds_of_files_for_every_sis():
    files = _tracked()
    kinds = {sis: _kinds(files, sis) for sis in SIS}
    required = {
        sis: {k for k in found if not k.startswith(OPTIONAL_KINDS + API_KINDS)}
        for sis, found in kinds.items()
    }
    reference = set.union(*required.values())
    for sis in SIS:
        assert required[sis] == reference, (
            f"git ls-files | grep {sis}: missing {sorted(reference - required[sis])}, "
            f"only here {sorted(required[sis] - reference)}"
        )
        api = {prefix for prefix in API_KINDS if any(k.startswith(prefix) for k in kinds[sis])}
        assert api in (set(), set(API_KINDS)), (
            f"{sis}: an API SIS has all of {API_KINDS}, a file SIS none; found {sorted(api)}"
        )
    for sis, found in kinds.items():
        optional = {k for k in found if k.startswith("macros/<sis>/")}
        assert optional in (set(), {"macros/<sis>/_<sis>__macros.yml", "macros/<sis>/*.sql"}), (
            f"{sis}: a macros folder holds its YAML and its macros: {sorted(optional)}"
        )
