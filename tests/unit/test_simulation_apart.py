"""Product and simulation apart (DESIGN §9): no product module reaches ingest.simulation.

The simulation package (generators, SFTP test server, benchmark file) stands in for the
districts. Only the demo, the benchmark, the command line that dispatches to them, and the
tests may import it; every other module of `ingest` is product code, so a new product module
is covered without editing this test. Imports are read with `ast` (inside functions too) and
followed through other `ingest` modules, so an indirect path (product -> demo -> simulation)
fails as well.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from ingest.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "ingest"
SIMULATION = "ingest.simulation"
# may import the simulation: they exist to run it
SIMULATION_USERS = {"ingest.demo", "ingest.benchmark", "ingest.scale_benchmark", "ingest.cli"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, name: str) -> set[str]:
    """Every module an `import` or `from ... import` names, relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # `from ingest import demo` imports the module ingest.demo
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _is_simulation(module: str) -> bool:
    return module == SIMULATION or module.startswith(SIMULATION + ".")


def _product_modules() -> list[str]:
    return sorted(m for m in _modules() if not _is_simulation(m) and m not in SIMULATION_USERS)


def _path_to_simulation(start: str, modules: dict[str, Path]) -> list[str] | None:
    """The chain of ingest modules from start to the simulation package, if any."""
    seen = {start}
    queue = [[start]]
    while queue:
        chain = queue.pop(0)
        for imported in sorted(_imports(modules[chain[-1]], chain[-1])):
            if _is_simulation(imported):
                return [*chain, imported]
            if imported in modules and imported not in seen:
                seen.add(imported)
                queue.append([*chain, imported])
    return None


def test_the_simulation_package_and_its_users_exist():
    modules = _modules()
    assert {"ingest.simulation.generators", "ingest.simulation.sftp_server"} <= set(modules)
    assert "ingest.simulation.benchmark_file" in modules
    assert SIMULATION_USERS <= set(modules)
    # the product list this test guards is not empty by accident
    assert {"ingest.pipeline", "ingest.readers", "ingest.transfer", "ingest.night"} <= set(
        _product_modules()
    )


@pytest.mark.parametrize("module", _product_modules())
def test_product_module_does_not_import_the_simulation(module):
    chain = _path_to_simulation(module, _modules())
    assert chain is None, (
        f"{module} reaches the simulation package: {' -> '.join(chain or [])}. Product code "
        "must not depend on generators or test servers; move the shared piece into a product "
        "module or the dependency into the demo/benchmark/tests."
    )


def test_the_import_check_sees_function_level_and_relative_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "def f():\n    from ingest.simulation.generators import generate_district\n"
        "from .simulation import sftp_server\n"
    )
    found = _imports(probe, "ingest.probe")
    assert "ingest.simulation.generators" in found
    assert "ingest.simulation.sftp_server" in found


def test_importing_the_nightly_path_loads_no_simulation_module():
    code = (
        "import sys, ingest.cli, ingest.night, ingest.admin; "
        "print(sorted(m for m in sys.modules if m.startswith('ingest.simulation')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_pyproject_packages_every_subpackage():
    packages = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"
    ]
    found = {_module_name(p.parent) for p in PACKAGE.rglob("__init__.py")}
    assert set(packages) == found
