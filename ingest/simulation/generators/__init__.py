"""Synthetic SIS nights for the demo, the integration tests and the benchmark.

One module per SIS (`<sis>.py`, named like the SIS in the sources YAML's `meta.sis`) with a
`build(district, rng, night, count, datasets) -> SisNight`; the shared writer and population
are in `common`. `generate_district` picks the district's SIS module, writes its files
exactly as declared and says how many rows the marts must then hold
(`GeneratedDistrict.expected_marts`).
"""

from __future__ import annotations

import codecs
import importlib
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ingest.declarations import district_declarations
from ingest.registry import District
from ingest.simulation.generators.common import (
    DEFAULT_ENCODING,
    SisNight,
    file_name,
    write_declared_file,
)

DEFAULT_STUDENTS = 200
DEFAULT_SEED = 1


@dataclass
class GeneratedDistrict:
    district_id: str
    folder: Path  # the folder the files were written to
    files: dict[str, Path]  # dataset name -> file written
    rows: dict[str, int]  # dataset name -> data rows written (excluding header, blank lines)
    expected_marts: dict[str, int]  # mart name -> rows the dbt marts must hold for this district
    paths: list[Path] = field(default_factory=list)  # every file written (several per dataset
    # when a SIS sends one file per term)
    staff: list = field(default_factory=list)  # the staff rows written (Users data reuses ids)


SisBuilder = Callable[[District, random.Random, date, int, frozenset[str]], SisNight]


def _builder(sis: str) -> SisBuilder:
    try:
        module = importlib.import_module(f"{__name__}.{sis}")
    except ModuleNotFoundError:
        module = None
    build = getattr(module, "build", None)
    if build is None:
        raise ValueError(
            f"no synthetic data builder for SIS {sis!r}: add "
            f"ingest/simulation/generators/{sis}.py with a `build` function"
        )
    return build


def generate_district(
    district: District,
    out_dir: Path,
    *,
    night: date,
    students: int | None = None,
    seed: int | None = None,
    encoding: str | None = None,
) -> GeneratedDistrict:
    """Write one night of a district's SIS files into out_dir (created if missing)."""
    builder = _builder(district.sis)
    count = int(
        students if students is not None else district.demo.get("students", DEFAULT_STUDENTS)
    )
    seed = int(seed if seed is not None else district.demo.get("seed", DEFAULT_SEED))
    encoding = encoding or district.demo.get("encoding", DEFAULT_ENCODING)
    codecs.lookup(encoding)  # an unknown encoding fails before any file is written

    decls = {d.dataset: d for d in district_declarations(district)}
    built = builder(district, random.Random(seed), night, count, frozenset(decls))
    missing = set(decls) - {dataset for dataset, _, _ in built.files}
    if missing:
        raise ValueError(f"{district.sis} builder produced no files for {sorted(missing)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    rows: dict[str, int] = {}
    paths: list[Path] = []
    for n, (dataset, name, dataset_rows) in enumerate(built.files):
        decl = decls[dataset]
        path = out_dir / (name or file_name(decl, night))
        # 0, 1 or 2 blank trailing lines, varying by file and seed
        written = write_declared_file(
            path, decl, dataset_rows, encoding=encoding, blank_lines=(seed + n) % 3
        )
        rows[dataset] = rows.get(dataset, 0) + written
        files[dataset] = path
        paths.append(path)
    expected = dict(built.expected_marts, dim_school=len(district.schools))
    staff = [r for dataset, _, ds_rows in built.files if dataset == "staff" for r in ds_rows]
    return GeneratedDistrict(district.id, out_dir, files, rows, expected, paths, staff)


def write_settled_night(
    district: District, folder: Path, *, night: date, students: int | None = None
) -> GeneratedDistrict:
    """Replace the folder's files with one night of the district, back-dated an hour: the
    ingest's stable-file guard then reads them at once, as files that settled long ago."""
    for old in folder.glob("*"):
        old.unlink()
    generated = generate_district(district, folder, night=night, students=students)
    settled = time.time() - 3600
    for path in generated.paths:
        os.utime(path, (settled, settled))
    return generated
