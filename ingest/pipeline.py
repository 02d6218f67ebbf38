"""One district's night: list the district's folder, pick the files that are ready, fetch and
check each, load them (DuckDB's parse streamed as Arrow straight into the raw tables), then
judge and record every file, all in one transaction with the loads.

The file path does not use dlt (importing it alone takes ~0.6 s): each file is read once
while it is copied (sha256, encoding, lines: readers.FileScan), once by DuckDB's parser.

A failure of one file (a broken transfer, an unreadable encoding, a parser that gives up, a
crash in our own code) makes that file `rejected` with a reason that names no field value,
and the other files go on. A failure of the district as a whole (its server unreachable)
raises, for the night to record and go on with the next district.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import duckdb

from ingest import warehouse
from ingest.declarations import FileDeclaration, district_declarations, load_declarations
from ingest.guards import Guards, guards_for
from ingest.paths import duckdb_path
from ingest.privacy import describe_error
from ingest.readers import (
    BATCH_ROWS,
    MAX_LINE_BYTES,
    ROW_NUMBER_SQL,
    FileProblem,
    FileScan,
    ParseResult,
    check_header,
    count_lines,
    count_records,
    empty_line_numbers,
    first_long_line,
    parse_stream,
    read_first_line,
    to_utf8,
)
from ingest.registry import API_TRANSFER, District
from ingest.runs import scratch_root
from ingest.transfer import RemoteFile, TransferError, open_source, transfer_setting
from ingest.warehouse import GoodFile, order_key

KEEP_LOADS = 7  # raw keeps the last N files per district and dataset
# Statuses that keep a file out of tonight's data: the night is incomplete and says why.
HELD_BACK = ("rejected", "held", "stale", "unstable", "missing")
# Names a writer uses while a file is not finished: never read, whatever the pattern says.
TEMPORARY_NAME = re.compile(r"^[.~]|\.tmp|\.part", re.IGNORECASE)


@dataclass
class FileOutcome:
    """One manifest entry (see warehouse.MANIFEST_COLUMNS), plus what only the run needs."""

    entry: dict
    decl: FileDeclaration
    parse_path: Path | None = None
    content_lines: int = 0  # lines before the trailing empty ones (records, if terminated)
    ends_with_newline: bool = True
    mixed_line_ends: bool | None = False  # None: not looked at (only a parser failure asks)
    skipped_lines: tuple[int, ...] = ()
    parse: ParseResult = field(default_factory=ParseResult)
    failure: str | None = None  # set when the parse or the load of this file failed

    @property
    def status(self) -> str:
        return self.entry["status"]

    @property
    def label(self) -> str:
        return self.entry["file_name"] or f"{self.entry['dataset']} (no file)"

    def summary(self) -> str:
        e = self.entry
        text = f"{e['dataset']:<18} {e['file_name'] or '-':<34} {e['status']:<9}"
        if e["status"] in ("loaded", "rejected", "held") and e.get("data_lines") is not None:
            text += f" {e.get('rows_loaded') or 0:>9,} rows"
            if e.get("rows_unparseable"):
                text += f", {e['rows_unparseable']:,} unparseable"
        if e.get("reason"):
            text += f"  ({e['reason']})"
        return text


@dataclass
class DistrictNight:
    district: District
    files: list[FileOutcome] = field(default_factory=list)
    load_id: str | None = None
    notes: list[str] = field(default_factory=list)  # what was seen but not a file outcome

    @property
    def held_back(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status in HELD_BACK]

    @property
    def status(self) -> str:
        return "incomplete" if self.held_back else "ok"


def _entry(district: District, decl: FileDeclaration, received_at: datetime, **values) -> dict:
    entry = dict.fromkeys(warehouse.MANIFEST_COLUMNS)
    entry.update(
        district_id=district.id,
        sis=decl.sis,  # the district's SIS, or `pathways` for a platform file (Users data)
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
    run_id: str | None = None,
) -> DistrictNight:
    db_path = db_path or duckdb_path()
    if district.transfer_method == API_TRANSFER:  # no files: its own path
        from ingest.api_pipeline import ingest_api_district

        return ingest_api_district(district, db_path=db_path, keep_loads=keep_loads, run_id=run_id)
    declarations = declarations if declarations is not None else load_declarations()
    if not district_declarations(district, declarations):
        raise ValueError(f"district {district.id}: no file declarations for SIS {district.sis!r}")
    # with the platform's files (Users data) any district may send, whatever its SIS
    decls = district_declarations(district, declarations, platform=True)
    guards = guards_for(district)
    received_at = datetime.now(UTC)
    scratch_root().mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"{district.id}-", dir=scratch_root()))
    night = DistrictNight(district)
    try:
        with warehouse.connect(db_path) as con:
            warehouse.prepare(con, warehouse.raw_tables(declarations))
            latest = {
                d.dataset: warehouse.latest_loaded(con, district.id, d.dataset, d.sis)
                for d in decls
            }
            seen_before = warehouse.content_statuses(con, district.id)
            listed_before = warehouse.listed_contents(con, district.id)

        def entry(decl: FileDeclaration, remote: RemoteFile | None = None, **values) -> dict:
            if remote is not None:
                values = dict(
                    file_name=remote.name,
                    remote_path=remote.remote_path,
                    size_bytes=remote.size_bytes,
                    file_modified_at=remote.modified_at,
                    file_date=decl.file_date(remote.name),
                    **values,
                )
            return _entry(district, decl, received_at, run_id=run_id, **values)

        with open_source(district) as source:
            arrivals = _arrivals(source, decls, night, entry)
            unsettled = _unsettled(
                source, [f for files in arrivals.values() for f in files], guards.stable_seconds
            )
            for decl in decls:
                tonight: set[str] = set()  # the same content twice in one night loads once
                newest_last = sorted(
                    arrivals[decl.dataset],
                    key=lambda f, d=decl: order_key(d.file_date(f.name), f.modified_at),
                )
                for remote in newest_last:
                    if remote.name in unsettled:
                        night.files.append(
                            FileOutcome(
                                entry(
                                    decl,
                                    remote,
                                    status="unstable",
                                    reason=f"still being written ({unsettled[remote.name]}); "
                                    "not read tonight and yesterday's data stays; it is "
                                    "picked up on the next run once it has not changed for "
                                    f"{guards.stable_seconds:g} s",
                                ),
                                decl,
                            )
                        )
                        continue
                    outcome = FileOutcome(entry(decl, remote), decl)
                    if not _unchanged(outcome, remote, listed_before, seen_before):
                        _fetch_and_check(
                            outcome,
                            district,
                            source,
                            remote,
                            seen_before,
                            scratch,
                            latest[decl.dataset],
                        )
                    if outcome.status == "pending" and outcome.entry["file_sha256"] in tonight:
                        outcome.entry.update(
                            status="duplicate",
                            rows_loaded=0,
                            reason="same content as another file received tonight",
                        )
                    tonight.add(outcome.entry["file_sha256"])
                    night.files.append(outcome)
        to_load = [o for o in night.files if o.status == "pending"]
        with warehouse.connect(db_path) as con:
            # the rows, the manifest, the row numbers and the purge commit together: a
            # failure anywhere leaves yesterday's data as it was
            con.execute("begin")
            # one load per raw schema: the SIS's files, and the platform's (raw_pathways) if any
            load_ids = _load(con, district, to_load)
            night.load_id = next(iter(load_ids.values()), None)
            for outcome in to_load:
                load_id = load_ids[outcome.decl.schema]
                _judge(outcome, load_id, guards, latest[outcome.decl.dataset])
            warehouse.record_files(
                con,
                [o.entry for o in night.files],
                [r for o in to_load for r in _rejects(o, load_ids[o.decl.schema])],
            )
            for outcome in to_load:
                if load_ids[outcome.decl.schema]:
                    warehouse.fix_row_numbers(
                        con,
                        outcome.decl,
                        district.id,
                        outcome.entry["file_sha256"],
                        load_ids[outcome.decl.schema],
                        outcome.skipped_lines,
                    )
            for decl in decls:
                warehouse.purge_old_loads(con, decl, district.id, keep_loads)
            con.execute("commit")
        return night
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # student data must not linger


def _arrivals(source, decls, night: DistrictNight, entry) -> dict[str, list[RemoteFile]]:
    """The listed files each declaration will read tonight. Temporary names are never read;
    symbolic links are recorded as refused; a required dataset with no file is `missing`."""
    listing = source.list_files()
    temporary = [f for f in listing if TEMPORARY_NAME.search(PurePosixPath(f.name).name)]
    if temporary:
        night.notes.append(
            "not read, temporary names (a writer may still be at work): "
            + ", ".join(f.name for f in temporary)
        )
    arrivals: dict[str, list[RemoteFile]] = {}
    claimed: set[str] = set()
    for decl in decls:
        matched = [f for f in listing if decl.matches(f.name) and f not in temporary]
        claimed.update(f.name for f in matched)
        arrivals[decl.dataset] = []
        for remote in matched:
            if getattr(remote, "is_symlink", False):
                night.files.append(
                    FileOutcome(
                        entry(
                            decl,
                            remote,
                            status="rejected",
                            rows_loaded=0,
                            reason="a symbolic link: refused, only regular files inside the "
                            "district's own folder are read; ask the district to upload the "
                            "file itself",
                        ),
                        decl,
                    )
                )
            else:
                arrivals[decl.dataset].append(remote)
        if not matched and decl.required:
            waiting = [f.name for f in temporary if decl.matches(f.name)]
            still = f" (only the temporary {waiting}: the export may still run)" if waiting else ""
            night.files.append(
                FileOutcome(
                    entry(
                        decl,
                        status="missing",
                        reason=f"no file matching {decl.pattern!r} in {source.where()}"
                        + still
                        + "; yesterday's data stays; ask the district to check its export",
                    ),
                    decl,
                )
            )
    refused = [f.name for f in listing if getattr(f, "is_symlink", False) and f.name not in claimed]
    if refused:
        night.notes.append("refused, symbolic links: " + ", ".join(refused))
    return arrivals


def _unsettled(source, files: list[RemoteFile], seconds: float) -> dict[str, str]:
    """Files that changed during the stability interval (name -> what changed). A file last
    modified longer ago than the interval is settled by its own mtime; the others are looked
    at again once the interval has passed."""
    if seconds <= 0 or not files:
        return {}
    listed_at = time.time()
    young = [f for f in files if listed_at - f.modified_at.timestamp() < seconds]
    if not young:
        return {}
    time.sleep(max(seconds - (time.time() - listed_at), 0))
    changed = {}
    for remote in young:
        try:
            now = source.restat(remote)
        except TransferError:
            changed[remote.name] = "it disappeared while the ingest waited for it to settle"
            continue
        if (now.size_bytes, now.modified_at) != (remote.size_bytes, remote.modified_at):
            changed[remote.name] = f"its size or modification time changed within {seconds:g} s"
    return changed


def _unchanged(
    outcome: FileOutcome,
    remote: RemoteFile,
    listed_before: dict[tuple, tuple[str, str | None, datetime]],
    seen_before: dict[tuple[str, str, str], set[str]],
) -> bool:
    """A file listed as it was on an earlier night (same path, size and modification time)
    whose content was loaded, or reported stale, then: a duplicate, not downloaded again. A
    night in which a district's export did not run costs a listing, not a download. A file
    rewritten since, even with the same content, has another modification time: it is
    downloaded and judged by its content, as every new file is."""
    decl = outcome.decl
    listed = (decl.sis, decl.dataset, remote.remote_path, remote.size_bytes, remote.modified_at)
    if listed not in listed_before:
        return False
    sha256, encoding, received_at = listed_before[listed]
    same = _same_content(seen_before, decl, sha256)
    if not same:
        return False
    outcome.entry.update(
        status="duplicate",
        rows_loaded=0,
        file_sha256=sha256,
        encoding=encoding,
        reason=f"unchanged since it was received on {received_at:%Y-%m-%d} (same path, size "
        f"and modification time), not downloaded again: the {same}",
    )
    return True


def _same_content(
    seen_before: dict[tuple[str, str, str], set[str]], decl: FileDeclaration, sha256: str
) -> str | None:
    """The duplicate's reason when this content of the dataset was loaded, or reported
    stale, on an earlier night (it never loads twice); None otherwise."""
    seen = seen_before.get((decl.sis, decl.dataset, sha256), set())
    if "loaded" not in seen and "stale" not in seen:
        return None
    return (
        "same content as a file already "
        + ("loaded" if "loaded" in seen else "reported stale")
        + "; nothing loaded"
    )


def _fetch_and_check(
    outcome: FileOutcome,
    district: District,
    source,
    remote: RemoteFile,
    seen_before: dict[tuple[str, str, str], set[str]],
    scratch: Path,
    latest: GoodFile | None,
) -> None:
    """Download, then the structural checks. Any failure rejects this file only."""
    entry = outcome.entry
    scan = FileScan()
    try:
        local = source.download(remote, scratch / remote.name.replace("/", "__"), scan)
        after = source.restat(remote)
        if (after.size_bytes, after.modified_at) != (remote.size_bytes, remote.modified_at):
            entry.update(
                status="unstable",
                reason="the file changed while it was being received (still being written?); "
                "not read tonight and yesterday's data stays; it is picked up on the next run",
            )
            return
        _check_file(outcome, district, local, scan, seen_before, scratch, latest)
    except (TransferError, FileProblem) as problem:
        entry.update(status="rejected", rows_loaded=0, reason=str(problem))
    except Exception as err:  # a bug or a library surprise: this file only
        entry.update(
            status="rejected",
            rows_loaded=0,
            reason=f"the file could not be read ({describe_error(err)}); yesterday's data "
            "stays; report this to the Pathways team with the file name",
        )
    finally:
        scan.close()


def _check_file(
    outcome: FileOutcome,
    district: District,
    local: Path,
    copied: FileScan,
    seen_before: dict[tuple[str, str, str], set[str]],
    scratch: Path,
    latest: GoodFile | None,
) -> None:
    """Structural checks before anything loads: encoding, duplicate, age, header, lines.
    `copied` has seen every byte of `local` on its way in; `seen_before` is
    warehouse.content_statuses of the district."""
    entry, decl = outcome.entry, outcome.decl
    encodings = tuple(filter(None, [transfer_setting(district, "encoding")])) or decl.encodings
    scan = copied.byte_scan(encodings)
    entry.update(file_sha256=scan.sha256, size_bytes=scan.size_bytes, encoding=scan.encoding)
    same = _same_content(seen_before, decl, scan.sha256)
    if same:
        entry.update(status="duplicate", rows_loaded=0, reason=same)
        return
    if latest and order_key(entry["file_date"], entry["file_modified_at"]) < latest.order_key:
        entry.update(
            status="stale",
            rows_loaded=0,
            reason=f"older than {latest.file_name}, the file in use (by the date in its name, "
            "then its modification time): it never replaces newer data; if it is a "
            "correction, ask the district to send it again as tonight's file",
        )
        return
    parse_path = to_utf8(local, scan.encoding, scratch / (local.name + ".utf8"))
    check_header(decl, read_first_line(parse_path))
    if decl.record_terminator:
        outcome.content_lines = count_records(parse_path, decl.record_terminator)
    else:
        # the copy's own line facts when DuckDB parses the copy itself (UTF-8)
        lines = copied.line_count() if parse_path == local else count_lines(parse_path)
        outcome.content_lines = lines.lines - lines.trailing_blank_lines
        outcome.ends_with_newline = lines.ends_with_newline
        outcome.mixed_line_ends = lines.mixed_line_ends
    data_lines = outcome.content_lines - (1 if decl.header else 0)
    if data_lines <= 0:
        raise FileProblem("the file has no data rows; yesterday's data stays")
    entry["data_lines"] = data_lines  # until empty lines inside the data are found
    outcome.parse_path = parse_path
    entry.update(status="pending")


# DuckDB keeps what an insert writes in its buffer pool while memory allows (80% of RAM by
# default): bounded during the inserts, a big file takes about the memory DuckDB's own
# read_csv into a table takes. The bound leaves each thread room for a batch of the widest
# file's lines several times over; rows that still do not fit load once more unbounded.
INSERT_MEMORY_MIN = 256 << 20


def _insert_memory(outcomes: list[FileOutcome]) -> int:
    widest = max(
        ((o.entry["size_bytes"] or 0) / max(o.content_lines, 1) for o in outcomes), default=0
    )
    return max(INSERT_MEMORY_MIN, int((os.cpu_count() or 1) * BATCH_ROWS * widest * 8))


def _load(
    con: duckdb.DuckDBPyConnection, district: District, outcomes: list[FileOutcome]
) -> dict[str, str | None]:
    """Insert every file's rows, in the caller's transaction, with one load id per raw schema
    (None when no file of the schema had a parseable row). A file whose parse fails is marked
    on its outcome (its rows so far stay, marked rejected) and the others load; a failed
    insert rolls back every file's rows and marks them all."""
    try:
        return _insert_all(con, district, outcomes, _insert_memory(outcomes))
    except duckdb.OutOfMemoryException:
        _roll_back(con)
        for outcome in outcomes:  # parsed again from the start
            outcome.parse, outcome.failure = ParseResult(), None
    except Exception as err:
        return _load_failed(con, outcomes, err)
    try:
        return _insert_all(con, district, outcomes, None)
    except Exception as err:
        return _load_failed(con, outcomes, err)


def _insert_all(
    con: duckdb.DuckDBPyConnection,
    district: District,
    outcomes: list[FileOutcome],
    memory: int | None,
) -> dict[str, str | None]:
    if memory:
        con.execute(f"set memory_limit = '{memory >> 20}MiB'")
    loaded_at = datetime.now(UTC)
    load_ids: dict[str, str | None] = {}
    for schema in dict.fromkeys(o.decl.schema for o in outcomes):
        load_id = warehouse.new_load_id()
        while load_id in load_ids.values():
            load_id = str(float(load_id) + 1e-6)
        files = [o for o in outcomes if o.decl.schema == schema]
        for outcome in files:
            _insert(con, district, outcome, loaded_at, load_id)
        load_ids[schema] = load_id if any(o.parse.rows for o in files) else None
    if memory:
        _restore_memory_limit(con)
    return load_ids


def _roll_back(con: duckdb.DuckDBPyConnection) -> None:
    """Undo the inserts, keep a transaction open for the manifest."""
    con.execute("rollback")
    _restore_memory_limit(con)
    con.execute("begin")


def _restore_memory_limit(con: duckdb.DuckDBPyConnection) -> None:
    """Back to the night's limit (warehouse.memory_limit), not DuckDB's default of 80% of RAM."""
    con.execute(f"set memory_limit = '{warehouse.memory_limit()}'")


def _load_failed(
    con: duckdb.DuckDBPyConnection, outcomes: list[FileOutcome], err: Exception
) -> dict[str, str | None]:
    _roll_back(con)
    reason = (
        f"the load into the warehouse failed ({describe_error(err)}); yesterday's data "
        "stays; the file loads again on the next run"
    )
    for outcome in outcomes:
        outcome.failure = outcome.failure or reason
    return dict.fromkeys((o.decl.schema for o in outcomes), None)


def _insert(
    con: duckdb.DuckDBPyConnection,
    district: District,
    outcome: FileOutcome,
    loaded_at: datetime,
    load_id: str,
) -> None:
    def parse_failed(err: Exception) -> None:
        outcome.failure = _parse_failure(outcome, err)

    try:
        rows = parse_stream(outcome.parse_path, outcome.decl, outcome.parse, parse_failed)
    except Exception as err:  # this file only
        parse_failed(err)
        return
    warehouse.insert_rows(
        con,
        outcome.decl,
        rows,
        row_number=ROW_NUMBER_SQL,
        district_id=district.id,
        source_file=outcome.entry["file_name"],
        sha256=outcome.entry["file_sha256"],
        loaded_at=loaded_at,
        load_id=load_id,
    )


def _parse_failure(outcome: FileOutcome, err: Exception) -> str:
    if outcome.mixed_line_ends is None:  # looked at only now: a pass of its own
        try:
            outcome.mixed_line_ends = count_lines(outcome.parse_path).mixed_line_ends
        except OSError:
            outcome.mixed_line_ends = False
    if outcome.mixed_line_ends:
        what = "the file mixes CRLF and LF line ends, and the CSV parser cannot read it"
        fix = "ask the district to re-export it (one kind of line end)"
    else:
        what = f"the CSV parser could not read the file ({describe_error(err)})"
        fix = "ask the district to re-export it in the declared layout"
    return f"{what}; yesterday's data stays; {fix}"


def _judge(
    outcome: FileOutcome, load_id: str | None, guards: Guards, latest: GoodFile | None
) -> None:
    """After the load: the file must have parsed, every data line must be a row or a kept
    reject, few lines may be unparseable, and the row count must not drop too far against
    the last good file. A file that fails stays in raw, marked, so staging keeps yesterday's
    data."""
    entry, parse = outcome.entry, outcome.parse
    rejected_lines = {r["line_number"] for r in parse.rejects}
    unparseable = len(rejected_lines)
    entry.update(
        load_id=load_id, rows_loaded=parse.rows, rows_unparseable=unparseable, status="loaded"
    )
    if outcome.failure or load_id is None:
        entry.update(
            status="rejected",
            reason=outcome.failure
            or "no line of the file could be parsed; yesterday's data stays; ask the district "
            "to re-export it in the declared layout",
        )
        return
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
    resend = "yesterday's data stays; ask the district to re-send the file"
    last_line_cut = not outcome.ends_with_newline and any(
        r["line_number"] == outcome.content_lines and "LINE SIZE" not in (r["error_type"] or "")
        for r in parse.rejects
    )
    if last_line_cut:
        entry.update(
            status="rejected",
            reason=(
                f"line {outcome.content_lines}: the last line is cut short and has no line end: "
                f"the file looks truncated (a dropped transfer?); {resend}"
            ),
        )
        return
    if parse.rows + unparseable != entry["data_lines"]:
        long_line = first_long_line(outcome.parse_path)
        if long_line:
            entry.update(
                status="rejected",
                reason=(
                    f"line {long_line[0]} is {long_line[1]:,} bytes or longer, more than the "
                    f"{MAX_LINE_BYTES:,} a line may hold: not a {entry['sis']} "
                    f"{entry['dataset']} export as declared, or its line ends are lost; {resend}"
                ),
            )
            return
        first = min((r["line_number"] for r in parse.rejects), default=None)
        near = f" (check near line {first})" if first else ""
        entry.update(
            status="rejected",
            reason=(
                f"{parse.rows} rows parsed and {unparseable} lines unparseable, but the file has "
                f"{entry['data_lines']} data lines: truncated or broken quoting{near}; {resend}"
            ),
        )
        return
    share = unparseable / entry["data_lines"] if entry["data_lines"] else 0
    if share > guards.max_unparseable_share:
        first = min(r["line_number"] for r in parse.rejects)
        entry.update(
            status="rejected",
            reason=(
                f"{unparseable} of {entry['data_lines']} lines ({share:.0%}) could not be parsed, "
                f"more than the {guards.max_unparseable_share:.0%} allowed (first at line "
                f"{first}; see pathways_meta.parse_rejects): rejected whole; {resend}"
            ),
        )
        return
    limit = guards.row_drop_limit(entry["dataset"])
    if latest and latest.rows and parse.rows < (1 - limit) * latest.rows:
        drop = 1 - parse.rows / latest.rows
        entry.update(
            status="held",
            reason=(
                f"row count fell from {latest.rows} ({latest.file_name}) to {parse.rows}, a drop "
                f"of {drop:.0%}, more than the {limit:.0%} allowed for {entry['dataset']}: held "
                "back as a possible partial export, yesterday's data stays. If the drop is "
                f"real: pathways release --district {entry['district_id']} "
                f"--file {entry['file_name']}"
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
