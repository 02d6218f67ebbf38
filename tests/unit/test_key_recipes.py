"""Keys and row rules in one place (DESIGN §9): a SIS cannot build a key its own way.

Every `k_<entity>` comes from its recipe in macros/keys.sql (key_recipes / entity_key /
entity_select); nothing else in the project hashes. Every per-SIS int model builds its
final columns with entity_select and takes its rules from its entity's rule set. The dbt
side (tests/dbt/integrity/assert_keys_follow_recipes.sql) recomputes the marts' keys.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "dbt_project" / "models"
KEYS_MACRO = REPO / "macros" / "keys.sql"
# hashes rows only to group them, and builds no key (its SQL never names a k_ column)
UNIQUE_TEST = REPO / "macros" / "generic_tests" / "unique_combination_of_columns.sql"
RULE_SETS = {
    "students": "student_rules",
    "staff": "staff_rules",
    "courses": "course_rules",
    "course_requests": "request_rules",
    "grades": "grade_rules",
    "gpa": "gpa_rules",
    "certifications": "certification_rules",
}
HASHING = re.compile(
    r"\bpathways_key\s*\(|\bdbt\.hash\s*\(|\bmd5\s*\(|\bsha\w*\s*\(|\bhash\s*\(", re.I
)
KEY_ALIAS = re.compile(r"\bas\s+(k_\w+)\b", re.I)


def sql_files() -> list[Path]:
    roots = [MODELS, REPO / "macros", REPO / "tests" / "dbt", REPO / "dbt_project" / "snapshots"]
    return sorted(p for root in roots if root.exists() for p in root.rglob("*.sql"))


def int_models() -> list[Path]:
    return sorted(
        p
        for p in (MODELS / "intermediate").glob("*/int_*__*.sql")
        if not p.stem.endswith("__unioned") and p.parent.name in RULE_SETS
    )


def without_comments(text: str) -> str:
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    return re.sub(r"--[^\n]*", "", text)


def test_the_unique_test_builds_no_key():
    assert not re.search(r"\bk_\w+", UNIQUE_TEST.read_text())


def test_the_scan_sees_every_int_model():
    assert len(int_models()) >= 30


def test_nothing_hashes_outside_the_key_recipes():
    offenders = [
        f"{path.relative_to(REPO)}:{n}: {line.strip()}"
        for path in sql_files()
        if path not in (KEYS_MACRO, UNIQUE_TEST)
        for n, line in enumerate(without_comments(path.read_text()).splitlines(), 1)
        if HASHING.search(line)
    ]
    message = "keys are built by entity_key / entity_select only:\n"
    assert not offenders, message + "\n".join(offenders)


def test_every_key_column_comes_from_entity_key():
    offenders = []
    for path in sorted(MODELS.rglob("*.sql")):
        for n, line in enumerate(without_comments(path.read_text()).splitlines(), 1):
            if KEY_ALIAS.search(line) and "entity_key(" not in line:
                offenders.append(f"{path.relative_to(REPO)}:{n}: {line.strip()}")
    assert not offenders, "a k_ column is made by entity_key('k_…') only:\n" + "\n".join(offenders)


@pytest.mark.parametrize("path", int_models(), ids=lambda p: p.stem)
def test_int_model_uses_its_entity_select_and_rule_set(path: Path):
    entity = path.parent.name
    text = without_comments(path.read_text())
    assert f"entity_select('{entity}'" in text, f"{path.name}: columns and keys via entity_select"
    assert f"{RULE_SETS[entity]}(" in text, f"{path.name}: rules via {RULE_SETS[entity]}"


def test_recipes_name_only_common_columns():
    recipes = re.search(r"key_recipes\(\).*?return\(\{(.*?)\}\)", KEYS_MACRO.read_text(), re.S)
    assert recipes, "key_recipes() in macros/keys.sql"
    entity_columns = (REPO / "macros" / "entity_columns.sql").read_text()
    common = set(re.findall(r"\('(\w+)',", entity_columns))
    for key, columns in re.findall(r"'(k_\w+)':\s*\[([^\]]*)\]", recipes.group(1)):
        for column in re.findall(r"'(\w+)'", columns):
            assert column in common, f"{key}: {column} is not a common column (entity_columns)"
