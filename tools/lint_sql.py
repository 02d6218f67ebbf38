"""`make lint`'s SQL half: the same sqlfluff, rules (.sqlfluff) and dbt templater as
`make lint-all` (what `make test` and CI run on every model), on the models that may have
changed only.

Which models are linted:
  1. the models that differ from the merge base with `main` (committed, staged, unstaged or
     untracked) — every model when no `main` branch is found, or when what every model's
     rendering depends on differs from it (.sqlfluff, .sqlfluffignore, macros/,
     dbt_project.yml, profiles/);
  2. minus those that already passed with the same inputs: a passing model is remembered in
     .lint-cache/sqlfluff.json under the hash of its own text and of every shared input
     (the files above, every YAML of the models, the seeds, sqlfluff's and dbt's versions).

Models unchanged since `main` were linted by `main`'s own CI. `make lint-all` lints every
model, without the cache.

    python tools/lint_sql.py [--base REF] [--all] [--no-cache] [--processes N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODELS = "dbt_project/models"
CACHE = REPO / ".lint-cache" / "sqlfluff.json"
# what the rendering of every model depends on: a change here re-lints every model
RENDER_INPUTS = (
    ".sqlfluff",
    ".sqlfluffignore",
    "macros",
    "dbt_project/dbt_project.yml",
    "profiles",
)


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else ""


def _merge_base(base: str | None) -> str | None:
    for ref in [base] if base else ["main", "origin/main"]:
        found = _git("merge-base", "HEAD", ref).strip()
        if found:
            return found
    return None


def _all_models() -> list[str]:
    return sorted(str(p.relative_to(REPO)) for p in (REPO / MODELS).rglob("*.sql"))


def _changed(base: str) -> set[str]:
    """Paths that differ from `base` in the working tree, untracked files included."""
    names = _git("diff", "--name-only", base).splitlines()
    names += _git("ls-files", "--others", "--exclude-standard").splitlines()
    return set(names)


def _candidates(base_ref: str | None, everything: bool) -> tuple[list[str], str]:
    models = _all_models()
    if everything:
        return models, "every model (--all)"
    base = _merge_base(base_ref)
    if base is None:
        return models, "every model (no main branch to compare with)"
    changed = _changed(base)
    shared = sorted(
        p for p in changed if any(p == i or p.startswith(i + "/") for i in RENDER_INPUTS)
    )
    if shared:
        return models, f"every model ({', '.join(shared[:3])} differs from main)"
    return [m for m in models if m in changed], f"models that differ from main ({base[:10]})"


def _shared_hash() -> str:
    digest = hashlib.sha256()
    for name in ("sqlfluff", "sqlfluff-templater-dbt", "dbt-core", "dbt-duckdb"):
        digest.update(f"{name}=={version(name)}\n".encode())
    paths: list[Path] = []
    for entry in RENDER_INPUTS:
        path = REPO / entry
        paths += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    paths += sorted((REPO / MODELS).rglob("*.yml")) + sorted((REPO / "seeds").rglob("*"))
    for path in paths:
        if path.is_file():
            digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _key(model: str, shared: str) -> str:
    return hashlib.sha256(shared.encode() + (REPO / model).read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="compare with this ref instead of main")
    parser.add_argument("--all", action="store_true", help="every model")
    parser.add_argument("--no-cache", action="store_true", help="ignore models that passed")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)

    candidates, why = _candidates(args.base, args.all)
    shared = _shared_hash()
    cache: dict[str, str] = {}
    if CACHE.is_file() and not args.no_cache:
        cache = json.loads(CACHE.read_text())
    keys = {m: _key(m, shared) for m in candidates}
    todo = [m for m in candidates if cache.get(m) != keys[m]]
    print(f"sqlfluff: {why}: {len(candidates)}, {len(candidates) - len(todo)} passed before")
    if not todo:
        return 0

    report = CACHE.parent / "last.json"
    report.parent.mkdir(exist_ok=True)
    report.unlink(missing_ok=True)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sqlfluff",
            "lint",
            "--processes",
            str(args.processes),
            "--disable-progress-bar",
            "--format",
            "json",
            "--write-output",
            str(report),
            *todo,
        ],
        cwd=REPO,
    )
    if not report.is_file():  # sqlfluff could not run at all
        return done.returncode or 1
    results = {
        str(Path(r["filepath"]).resolve().relative_to(REPO)): r["violations"]
        for r in json.loads(report.read_text())
    }
    for model, violations in sorted(results.items()):
        if violations:
            print(f"== [{model}] FAIL")
        for v in violations:
            line, col = v.get("start_line_no", "?"), v.get("start_line_pos", "?")
            print(f"L:{line:>4} | P:{col:>4} | {v.get('code', '?')} | {v.get('description', '')}")
    for model in todo:
        if model in results and not results[model]:
            cache[model] = keys[model]
        else:
            cache.pop(model, None)
    CACHE.write_text(json.dumps(cache, indent=0, sort_keys=True))
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
