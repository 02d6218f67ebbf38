"""One district's night: fetch every declared file, check it, load it with dlt (Arrow ->
parquet -> DuckDB), then record the outcome of every file in the manifest."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import dlt
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

from ingest import warehouse
from ingest.declarations import FileDeclaration, load_declarations
from ingest.paths import duckdb_path, work_dir
from ingest.readers import (
    FileProblem,
    ParseResult,
    check_header,
    count_lines,
    count_records,
    empty_line_numbers,
    parse_batches,
    read_first_line,
    scan_bytes,
    to_utf8,
)
from ingest.registry import District
from ingest.transfer import RemoteFile, open_source, transfer_setting

KEEP_LOADS = 7  # raw keeps the last N files per district and dataset
MIN_ROW_RATIO = 0.5  # a file with fewer rows than this share of the last good one is held back


@dataclass
class FileOutcome:
    """One manifest entry (see warehouse.MANIFEST_COLUMNS), plus what only the run needs."""

    entry: dict
    decl: FileDeclaration
    parse_path: Path | None = None
    content_lines: int = 0  # lines before the trailing empty ones (records, if terminated)
    ends_with_newline: bool = True
    skipped_lines: tuple[int, ...] = ()
    parse: ParseResult = field(default_factory=ParseResult)

    @property
    def status(self) -> str:
        return self.entry["status"]

    def summary(self) -> str:
        e = self.entry
        text = f"{e['dataset']:<18} {e['file_name'] or '-':<34} {e['status']:<9}"
        if e["status"] in ("loaded", "rejected") and e.get("data_lines") is not None:
            text += f" {e.get('rows_loaded') or 0:>9,} rows"
            if e.get("rows_unparseable"):
                text += f", {e['rows_unparseable']:,} unparseable"
        if e.get("reason"):
            text += f"  ({e['reason']})"
        return text


@dataclass
class DistrictNight:
    district: District
    files: list[FileOutcome]
    load_id: str | None


def _entry(district: District, decl: FileDeclaration, received_at: datetime, **values) -> dict:
    entry = dict.fromkeys(warehouse.MANIFEST_COLUMNS)
    entry.update(
        district_id=district.id,
        sis=district.sis,
        dataset=decl.dataset,
        received_at=received_at,
        delimiter=decl.delimiter,
    )
    entry.update(values)
    return entry


def ingest_district(
    district: District,
    *,
    db_path: Path | None = None,
    declarations: dict[str, list[FileDeclaration]] | None = None,
    keep_loads: int = KEEP_LOADS,
) -> DistrictNight:
    db_path = db_path or duckdb_path()
    declarations = declarations if declarations is not None else load_declarations()
    decls = [
        d.for_variant(district.export_variant)
        for d in declarations.get(district.sis, [])
        if d.applies_to_state(district.state)
    ]
    if not decls:
        raise ValueError(f"district {district.id}: no file declarations for SIS {district.sis!r}")
    received_at = datetime.now(UTC)
    scratch = Path(tempfile.mkdtemp(prefix=f"{district.id}-", dir=_scratch_root()))
    try:
        with warehouse.connect(db_path) as con:
            warehouse.prepare(con, (d for ds in declarations.values() for d in ds))
        with open_source(district) as source:
            remote = source.list_files()
            outcomes = []
            for decl in decls:
                matched = [f for f in remote if decl.matches(f.name)]
                if not matched and decl.required:
                    outcomes.append(
                        FileOutcome(
                            _entry(
                                district,
                                decl,
                                received_at,
                                status="missing",
                                reason=f"no file matching {decl.pattern!r} in {source.where()}; "
                                "yesterday's data stays; ask the district to check its export",
                            ),
                            decl,
                        )
                    )
                tonight: set[str] = set()  # the same content twice in one night loads once
                for remote_file in matched:
                    flat_name = remote_file.name.replace("/", "__")  # term folders (Harmony)
                    local = source.download(remote_file, scratch / flat_name)
                    outcome = _check_file(
                        district, decl, remote_file, local, received_at, db_path, scratch
                    )
                    if outcome.status == "pending" and outcome.entry["file_sha256"] in tonight:
                        outcome.entry.update(
                            status="duplicate",
                            rows_loaded=0,
                            reason="same content as another file received tonight",
                        )
                    tonight.add(outcome.entry["file_sha256"])
                    outcomes.append(outcome)
        to_load = [o for o in outcomes if o.status == "pending"]
        load_id = _load(district, db_path, to_load) if to_load else None
        with warehouse.connect(db_path) as con:
            con.execute("begin")
            for outcome in to_load:
                _judge(con, outcome, load_id)
            warehouse.record_files(
                con, [o.entry for o in outcomes], [r for o in to_load for r in _rejects(o, load_id)]
            )
            for outcome in to_load:
                warehouse.fix_row_numbers(
                    con,
                    outcome.decl,
                    district.id,
                    outcome.entry["file_sha256"],
                    load_id,
                    outcome.skipped_lines,
                )
            for decl in decls:
                warehouse.purge_old_loads(con, decl, district.id, keep_loads)
            con.execute("commit")
        return DistrictNight(district, outcomes, load_id)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # student data must not linger


def _scratch_root() -> Path:
    root = work_dir() / "scratch"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _check_file(
    district: District,
    decl: FileDeclaration,
    remote: RemoteFile,
    local: Path,
    received_at: datetime,
    db_path: Path,
    scratch: Path,
) -> FileOutcome:
    """Structural checks before anything loads: encoding, duplicate, header, line count."""
    entry = _entry(
        district,
        decl,
        received_at,
        file_name=remote.name,
        remote_path=remote.remote_path,
        size_bytes=remote.size_bytes,
        file_modified_at=remote.modified_at,
    )
    outcome = FileOutcome(entry, decl)
    encodings = tuple(filter(None, [transfer_setting(district, "encoding")])) or decl.encodings
    try:
        scan = scan_bytes(local, encodings)
        entry.update(file_sha256=scan.sha256, size_bytes=scan.size_bytes, encoding=scan.encoding)
        with warehouse.connect(db_path) as con:
            seen = warehouse.already_loaded(
                con, district.id, decl.dataset, district.sis, scan.sha256
            )
        if seen:
            entry.update(
                status="duplicate",
                rows_loaded=0,
                reason="same content as a file already loaded; nothing loaded",
            )
            return outcome
        parse_path = to_utf8(local, scan.encoding, scratch / (local.name + ".utf8"))
        check_header(decl, read_first_line(parse_path))
        if decl.record_terminator:
            outcome.content_lines = count_records(parse_path, decl.record_terminator)
        else:
            lines = count_lines(parse_path)
            outcome.content_lines = lines.lines - lines.trailing_blank_lines
            outcome.ends_with_newline = lines.ends_with_newline
        data_lines = outcome.content_lines - (1 if decl.header else 0)
        if data_lines <= 0:
            raise FileProblem("the file has no data rows; yesterday's data stays")
        entry["data_lines"] = data_lines  # until empty lines inside the data are found
        outcome.parse_path = parse_path
        entry.update(status="pending")
    except FileProblem as problem:
        entry.update(status="rejected", rows_loaded=0, reason=str(problem))
    return outcome


def _load(district: District, db_path: Path, outcomes: list[FileOutcome]) -> str:
    """One dlt load for the district's night: a resource per dataset, Arrow tables in."""
    # Arrow rows carry _dlt_load_id only with this; completed packages (plaintext student
    # data) are deleted from dlt's working folder.
    os.environ["NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID"] = "true"
    os.environ["LOAD__DELETE_COMPLETED_JOBS"] = "true"
    pipeline = dlt.pipeline(
        pipeline_name=f"pathways__{district.id}",
        # raw rows carry their line number: DuckDB may insert them in any order, which
        # parallelises the load (measured ~20% faster)
        destination=dlt.destinations.duckdb(
            DuckDbCredentials(str(db_path), global_config={"preserve_insertion_order": False})
        ),
        dataset_name=outcomes[0].decl.schema,
        pipelines_dir=str(work_dir() / "dlt"),
    )
    if pipeline.has_pending_data:  # a crashed night: finish it first (its rows stay unlisted)
        pipeline.run()
    loaded_at = datetime.now(UTC)
    resources = []
    for dataset in dict.fromkeys(o.decl.dataset for o in outcomes):
        files = [o for o in outcomes if o.decl.dataset == dataset]
        resources.append(
            dlt.resource(
                _batches(district, files, loaded_at),
                name=dataset,
                table_name=dataset,
                write_disposition="append",
            )
        )
    info = pipeline.run(resources, loader_file_format="parquet")
    return info.loads_ids[-1]


def _batches(district: District, outcomes: list[FileOutcome], loaded_at: datetime) -> Iterator:
    for outcome in outcomes:
        lineage = {
            "_district_id": district.id,
            "_source_file": outcome.entry["file_name"],
            "_file_sha256": outcome.entry["file_sha256"],
            "_loaded_at": loaded_at,
        }
        yield from parse_batches(outcome.parse_path, outcome.decl, lineage, outcome.parse)


def _judge(con, outcome: FileOutcome, load_id: str) -> None:
    """After the load: every data line must be a row or a kept reject, and the row count must
    not collapse against the last good file. A file that fails stays in raw, marked rejected,
    so staging keeps yesterday's data."""
    entry, parse = outcome.entry, outcome.parse
    rejected_lines = {r["line_number"] for r in parse.rejects}
    unparseable = len(rejected_lines)
    entry.update(
        load_id=load_id, rows_loaded=parse.rows, rows_unparseable=unparseable, status="loaded"
    )
    empty: tuple[int, ...] = ()
    if outcome.decl.record_terminator:
        # records may span lines: `_row_number` is the record number (header = 1), and the
        # parser's line numbers of rejects cannot be mapped onto it
        outcome.skipped_lines = ()
    else:
        if parse.rows + unparseable != entry["data_lines"]:
            empty = empty_line_numbers(outcome.parse_path, outcome.content_lines)
            entry["data_lines"] -= len(empty)
        outcome.skipped_lines = tuple(sorted(rejected_lines | set(empty)))
    if not outcome.ends_with_newline and outcome.content_lines in rejected_lines:
        entry.update(
            status="rejected",
            reason=(
                f"line {outcome.content_lines}: the last line is cut short and has no line end: "
                "the file looks truncated (a dropped transfer?); yesterday's data stays; "
                "ask the district to re-send the file"
            ),
        )
        return
    if parse.rows + unparseable != entry["data_lines"]:
        first = min((r["line_number"] for r in parse.rejects), default=None)
        near = f" (check near line {first})" if first else ""
        entry.update(
            status="rejected",
            reason=(
                f"{parse.rows} rows parsed and {unparseable} lines unparseable, but the file has "
                f"{entry['data_lines']} data lines: truncated or broken quoting{near}; "
                "yesterday's data stays; ask the district to re-send the file"
            ),
        )
        return
    previous = warehouse.latest_loaded(con, entry["district_id"], entry["dataset"], entry["sis"])
    if previous and previous[1] and parse.rows < MIN_ROW_RATIO * previous[1]:
        entry.update(
            status="rejected",
            reason=(
                f"row count fell from {previous[1]} to {parse.rows} (below "
                f"{MIN_ROW_RATIO:.0%} of the last good file): held back as a possible partial "
                "export; yesterday's data stays; if the drop is real, re-send it with a note"
            ),
        )


def _rejects(outcome: FileOutcome, load_id: str) -> list[dict]:
    e = outcome.entry
    return [
        dict(
            r,
            district_id=e["district_id"],
            sis=e["sis"],
            dataset=e["dataset"],
            file_name=e["file_name"],
            file_sha256=e["file_sha256"],
            load_id=load_id,
        )
        for r in outcome.parse.rejects
    ]
