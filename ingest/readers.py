"""Generic file readers: every SIS file goes through the same steps, driven by its declaration.

hash + detect encoding + count lines (one pass, FileScan, while the file is copied) ->
transcode to UTF-8 when needed -> check header -> parse with DuckDB (declared dialect, every
column text, rejects kept) -> a stream of Arrow batches for the warehouse insert.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest.declarations import FileDeclaration

CHUNK = 8 * 1024 * 1024
# rows per Arrow batch of the parse: DuckDB's row-group size (measured fastest)
BATCH_ROWS = 122_880
# a parsed row's provisional line number, from the columns parse_stream adds
ROW_NUMBER_SQL = "_batch_first + _batch_row"
UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class FileProblem(Exception):
    """A structural problem that blocks the whole file (it is recorded, never loaded as good)."""


@dataclass(frozen=True)
class ByteScan:
    sha256: str
    size_bytes: int
    encoding: str  # what the bytes are: utf-8, utf-8-sig or one of the declared encodings


@dataclass(frozen=True)
class LineCount:
    lines: int  # physical lines (a last line without a newline counts)
    trailing_blank_lines: int  # empty lines at the end of the file
    ends_with_newline: bool = True  # False may mean a transfer cut the file short
    # CRLF and LF both end lines (explains a parser failure); None: not looked at
    mixed_line_ends: bool | None = False


class FileScan:
    """What one pass over a file's bytes tells, fed chunk by chunk while the file is copied
    (transfer.py): its sha256 and size, whether it is valid UTF-8, and its line facts. So a
    big file is read once before DuckDB parses it, not once per question.

    The sha256 runs in a thread (hashlib releases the GIL on big buffers) beside the
    counting. Valid UTF-8 is checked by strict decoding, skipped for pure-ASCII chunks (10×
    faster) unless a multi-byte character is split across the chunk boundary.
    """

    HEAD = 4096  # bytes kept from the start (BOM, UTF-16 without BOM)
    TAIL = 4096  # bytes kept from the end (trailing empty lines, last line end)
    BLOCK = 1 << 20  # small writes (SFTP reads are 32 KB) are scanned in blocks of this

    def __init__(self, *, line_ends: bool = False):
        self.size = 0
        self._line_ends = line_ends  # also count CRLF (mixed line ends): a pass of its own
        self._digest = hashlib.sha256()
        self._hashing: Future | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._head = b""
        self._tail = b""
        self._newlines = 0
        self._crlf = 0
        self._utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        self._utf8_split = False  # the decoder holds the start of a multi-byte character
        self._is_utf8 = True
        self._small: list[bytes] = []
        self._small_bytes = 0
        self._done = False

    def update(self, chunk: bytes) -> None:
        if len(chunk) < self.BLOCK or self._small:
            self._small.append(chunk)
            self._small_bytes += len(chunk)
            if self._small_bytes < self.BLOCK:
                return
            chunk = b"".join(self._small)
            self._small, self._small_bytes = [], 0
        self._scan(chunk)

    def _scan(self, chunk: bytes) -> None:
        if not chunk:
            return
        if self._hashing is not None:
            self._hashing.result()
        if len(chunk) >= self.BLOCK:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="sha256")
            self._hashing = self._pool.submit(self._digest.update, chunk)
        else:
            self._hashing = None
            self._digest.update(chunk)
        if len(self._head) < self.HEAD:
            self._head += chunk[: self.HEAD - len(self._head)]
        self.size += len(chunk)
        self._newlines += chunk.count(b"\n")
        if self._line_ends:
            split = self._tail.endswith(b"\r") and chunk.startswith(b"\n")
            self._crlf += chunk.count(b"\r\n") + split
        self._tail = (self._tail + chunk[-self.TAIL :])[-self.TAIL :]
        if self._is_utf8 and (self._utf8_split or not chunk.isascii()):
            try:
                self._utf8.decode(chunk)
                self._utf8_split = bool(self._utf8.getstate()[0])
            except UnicodeDecodeError:
                self._is_utf8 = False

    def finish(self) -> FileScan:
        """Scan what is left; the facts below need it (called by them, once is enough)."""
        if not self._done:
            self._done = True
            self._scan(b"".join(self._small))
            self._small = []
            self.close()
            if self._is_utf8:
                try:
                    self._utf8.decode(b"", final=True)
                except UnicodeDecodeError:
                    self._is_utf8 = False
        return self

    def close(self) -> None:
        """Stop the hashing thread (also when the copy failed half-way)."""
        if self._hashing is not None:
            self._hashing.result()
            self._hashing = None
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def byte_scan(self, encodings: tuple[str, ...]) -> ByteScan:
        """The sha256 and what the bytes are, among the declared encodings (in their order).

        UTF-8 is recognised by strict decoding (text in a single-byte encoding with accents is
        practically never valid UTF-8); another declared encoding is then verified while
        transcoding (to_utf8)."""
        self.finish()
        wanted = [e.lower().replace("_", "-") for e in encodings]
        sha256 = self._digest.hexdigest()
        # UTF-16 is told by its BOM (ASCII in UTF-16 is also valid UTF-8)
        if self._head.startswith(UTF16_BOMS) and any(e.startswith("utf-16") for e in wanted):
            return ByteScan(sha256, self.size, "utf-16")
        bomless_utf16 = _looks_like_bomless_utf16(self._head)
        if bomless_utf16:
            # ASCII text in UTF-16 is also valid UTF-8 (full of NUL bytes): never read it so
            if any(e.startswith("utf-16") for e in wanted):
                return ByteScan(sha256, self.size, bomless_utf16)
            raise FileProblem(
                "the file looks like UTF-16 text without a byte-order mark, which is not a "
                f"declared encoding ({', '.join(encodings)}); ask the district to export "
                "UTF-8, or declare the encoding they send"
            )
        if self._is_utf8 and any(e in ("utf-8", "utf8", "utf-8-sig") for e in wanted):
            encoding = "utf-8-sig" if self._head.startswith(UTF8_BOM) else "utf-8"
        else:
            others = [
                e
                for e in wanted
                if e not in ("utf-8", "utf8", "utf-8-sig") and not e.startswith("utf-16")
            ]
            if not others:
                raise FileProblem(
                    f"the file is not valid UTF-8 (declared encodings: {', '.join(encodings)}); "
                    "ask the district to export UTF-8, or declare the encoding they send"
                )
            encoding = others[0]
        return ByteScan(sha256, self.size, encoding)

    def line_count(self) -> LineCount:
        """Physical lines and the empty lines at the end. `mixed_line_ends` is None unless
        the scan was made with `line_ends=True` (it only explains a parser failure)."""
        self.finish()
        tail = self._tail
        lines = self._newlines + (1 if tail and not tail.endswith(b"\n") else 0)
        # the newlines after the last non-empty line, but the one that ends it
        trailing = max(tail[len(tail.rstrip(b"\r\n")) :].count(b"\n") - 1, 0)
        return LineCount(
            lines,
            trailing,
            ends_with_newline=not tail or tail.endswith(b"\n"),
            mixed_line_ends=(0 < self._crlf < self._newlines) if self._line_ends else None,
        )


def _scan_file(path: Path, *, line_ends: bool = False) -> FileScan:
    scan = FileScan(line_ends=line_ends)
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                scan.update(chunk)
        return scan.finish()
    finally:
        scan.close()


def scan_bytes(path: Path, encodings: tuple[str, ...]) -> ByteScan:
    """A file's sha256 and encoding (FileScan.byte_scan), for a file already on disk."""
    return _scan_file(path).byte_scan(encodings)


def _looks_like_bomless_utf16(head: bytes) -> str | None:
    """UTF-16 without a BOM: in text that is mostly ASCII, every other byte is NUL."""
    sample = head[:4096]
    if len(sample) < 4 or sample.startswith(UTF16_BOMS):
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def to_utf8(path: Path, encoding: str, dest: Path) -> Path:
    """The file DuckDB should parse: the original when it is UTF-8 (DuckDB skips a BOM),
    otherwise a UTF-8 copy at `dest` (DuckDB cannot read Windows-1252 offline)."""
    if encoding in ("utf-8", "utf-8-sig"):
        return path
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line = 1
    with open(path, "rb") as src, open(dest, "wb") as out:
        while chunk := src.read(CHUNK):
            try:
                out.write(decoder.decode(chunk).encode("utf-8"))
            except UnicodeDecodeError as err:
                line += chunk[: err.start].count(b"\n")
                raise FileProblem(
                    f"line {line}: byte {chunk[err.start]:#04x} is not valid {encoding}; "
                    "ask the district to re-export the file in a declared encoding"
                ) from None
            line += chunk.count(b"\n")
        out.write(decoder.decode(b"", final=True).encode("utf-8"))
    return dest


def count_lines(path: Path) -> LineCount:
    """Physical lines, the empty lines at the end and mixed line ends (a byte count: no
    per-line work), for a file already on disk."""
    return _scan_file(path, line_ends=True).line_count()


def empty_line_numbers(path: Path, up_to: int) -> tuple[int, ...]:
    """Empty lines among the first `up_to` lines. DuckDB skips them, so row numbers must too.
    Rare inside data, so only looked for when the counts do not add up."""
    found = []
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if number > up_to:
                break
            if raw in (b"\n", b"\r\n"):
                found.append(number)
    return tuple(found)


# DuckDB's read_csv refuses longer lines (its max_line_size default)
MAX_LINE_BYTES = 2_000_000


def first_long_line(path: Path, limit: int = MAX_LINE_BYTES) -> tuple[int, int] | None:
    """(line number, bytes) of the first line longer than the parser takes, if any. DuckDB
    reports such a line only when a line end follows it, so look when counts disagree."""
    with open(path, "rb") as fh:
        number, size = 1, 0
        while chunk := fh.read(CHUNK):
            start = 0
            while (end := chunk.find(b"\n", start)) != -1:
                if size + end - start > limit:
                    return number, size + end - start
                number, size, start = number + 1, 0, end + 1
            size += len(chunk) - start
            if size > limit:
                return number, size
    return None


def read_first_line(path: Path) -> str:
    with open(path, "rb") as fh:
        raw = fh.readline()
    return raw.decode("utf-8", errors="replace").removeprefix("\ufeff").rstrip("\r\n")


def check_header(decl: FileDeclaration, first_line: str) -> None:
    """The header must be the declared columns, in order (names compared exactly, trimmed).

    The message names declared columns and positions only: when the header is missing, the
    first line is a student's row, and no field value may reach a message or the manifest."""
    if not decl.header:
        return
    try:
        reader = csv.reader(io.StringIO(first_line), delimiter=decl.delimiter)
        found = [c.strip() for c in next(reader, [])]
    except csv.Error:
        found = first_line.split(decl.delimiter)  # e.g. a NUL byte: compare names anyway
    if decl.record_terminator and found and found[-1] == decl.record_terminator:
        found = found[:-1]
    expected = list(decl.columns)
    if found == expected:
        return
    hint = (
        "ask the district to restore the export layout, or update the declaration "
        f"in _{decl.sis}__sources.yml if the new layout is intended"
    )
    if not set(found) & set(expected):
        raise FileProblem(
            f"line 1: none of the {len(expected)} declared column names is in the header "
            f"({len(found)} fields; values not shown): is the header missing, or the file "
            f"not a {decl.sis} {decl.dataset} export? {hint}"
        )
    detail = (
        [f"{len(found)} fields, {len(expected)} declared"] if len(found) != len(expected) else []
    )
    missing = [c for c in expected if c not in found]
    if missing:
        detail.append(f"declared columns not found: {missing}")
    unexpected = [i for i, c in enumerate(found, start=1) if c not in expected]
    if unexpected:
        detail.append(f"unknown names at positions {unexpected}")
    if not missing and not unexpected:
        detail.append("columns out of order")
    raise FileProblem(
        f"line 1: header does not match the declaration ({'; '.join(detail)}); {hint}"
    )


@dataclass
class ParseResult:
    """Filled while the batches stream; complete once the iterator is exhausted."""

    rows: int = 0
    rejects: list[dict] = field(default_factory=list)
    done: bool = False


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def read_csv_sql(path: Path, decl: FileDeclaration) -> str:
    """DuckDB read_csv with the declared dialect, no sniffing, every column text, rejects kept.
    A record terminator is read as one more column and left out of the rows."""
    names = list(decl.raw_columns) + (["_record_end"] if decl.record_terminator else [])
    columns = ", ".join(f"{_sql_literal(c)}: 'VARCHAR'" for c in names)
    quote = _sql_literal(decl.quote)
    return (
        f"select * {'exclude (_record_end) ' if decl.record_terminator else ''}"
        f"from read_csv({_sql_literal(str(path))}, "
        f"delim={_sql_literal(decl.delimiter)}, quote={quote}, escape={quote}, "
        f"header={'true' if decl.header else 'false'}, columns={{{columns}}}, "
        "auto_detect=false, strict_mode=true, store_rejects=true)"
    )


def count_records(path: Path, terminator: str) -> int:
    """Records of a file whose records end with a terminator field: records may span lines
    (line breaks inside quoted fields), so lines cannot be counted."""
    mark = terminator.encode("utf-8")
    records = 0
    tail = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            joined = tail + chunk
            # a terminator ends a record when a line end (or the end of the file) follows it
            records += joined.count(mark + b"\r\n") + joined.count(mark + b"\n")
            records -= tail.count(mark + b"\r\n") + tail.count(mark + b"\n")
            tail = joined[-(len(mark) + 1) :]
    if tail.endswith(mark):  # the last record has no line end
        records += 1
    return records


def parse_stream(
    path: Path,
    decl: FileDeclaration,
    result: ParseResult,
    on_error: Callable[[Exception], None] | None = None,
) -> pa.RecordBatchReader:
    """The parsed file as a stream of Arrow batches, read by the warehouse insert
    (warehouse.insert_rows) straight from DuckDB's parse; `result` is complete once the
    stream is exhausted (rows, and rejects with their line numbers).

    Each row's `_row_number` is ROW_NUMBER_SQL over two columns added here, batch by batch
    in file order (`row_number() over ()` in SQL would force DuckDB's parse onto one thread;
    the sum is left to the insert, as importing pyarrow.compute alone takes ~0.25 s). It is
    the provisional line number (data row + header lines); lines DuckDB skipped (rejects,
    empty lines) are accounted for after the load (warehouse.fix_row_numbers).

    With `on_error`, a parser failure part-way ends the stream (the rows so far stand) and
    is handed to it, so the insert reading the stream does not fail with it.
    """
    con = _parser().cursor()  # its own connection: the reject tables are per connection
    try:
        reader = con.sql(read_csv_sql(path, decl)).to_arrow_reader(BATCH_ROWS)
    except BaseException:
        con.close()
        raise
    schema = reader.schema.append(pa.field("_batch_first", pa.int64()))
    schema = schema.append(pa.field("_batch_row", pa.int64()))
    first = 1 + (1 if decl.header else 0)

    def batches() -> Iterator[pa.RecordBatch]:
        offsets = pa.array(range(BATCH_ROWS), pa.int64())  # sliced, not rebuilt per batch
        try:
            for batch in reader:
                n = batch.num_rows
                if n > len(offsets):
                    offsets = pa.array(range(n), pa.int64())
                batch_first = pa.repeat(pa.scalar(first + result.rows, pa.int64()), n)
                result.rows += n
                yield pa.RecordBatch.from_arrays(
                    [*batch.columns, batch_first, offsets.slice(0, n)], schema=schema
                )
            result.rejects = read_rejects(con)
            result.done = True
        except Exception as err:
            if on_error is None:
                raise
            on_error(err)
        finally:
            con.close()

    return pa.RecordBatchReader.from_batches(schema, batches())


_PARSER: duckdb.DuckDBPyConnection | None = None


def _parser() -> duckdb.DuckDBPyConnection:
    """The in-memory DuckDB that parses files, one per process: opening a database costs
    ~25 ms (1.3 s a demo night, one per file), a cursor of an open one nothing."""
    global _PARSER
    if _PARSER is None:
        _PARSER = duckdb.connect()
    return _PARSER


def parse_batches(
    path: Path, decl: FileDeclaration, lineage: dict[str, str], result: ParseResult
) -> Iterator[pa.Table]:
    """parse_stream as Arrow tables with every lineage column but the load id (one table per
    DuckDB batch)."""
    for batch in parse_stream(path, decl, result):
        table = pa.Table.from_batches([batch]).drop_columns(["_batch_first", "_batch_row"])
        n = table.num_rows
        first = batch.column("_batch_first")[0].as_py() if n else 0
        numbers = pa.array(range(first, first + n), pa.int64())
        for name in ("_district_id", "_source_file", "_file_sha256"):
            table = table.append_column(name, pa.repeat(pa.scalar(lineage[name], pa.string()), n))
        table = table.append_column("_row_number", numbers)
        loaded_at = pa.scalar(lineage["_loaded_at"], pa.timestamp("us", tz="UTC"))
        yield table.append_column("_loaded_at", pa.repeat(loaded_at, n))


REJECT_FIELDS = ("line_number", "column_name", "error_type", "error_message", "raw_line")


def read_rejects(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """One entry per unparseable line (DuckDB reports one error per missing column): the
    first column (in file order) DuckDB names, and every distinct error of the line."""
    rows = con.sql(
        """select line,
                  coalesce(
                      arg_min(column_name, column_idx),
                      'field ' || cast(min(column_idx) as varchar)  -- beyond the declared ones
                  ) as column_name,
                  string_agg(distinct cast(error_type as varchar), '; ') as error_type,
                  string_agg(distinct error_message, '; ') as error_message,
                  min(csv_line) as raw_line
           from reject_errors
           group by line
           order by line"""
    ).fetchall()
    return [dict(zip(REJECT_FIELDS, r, strict=True)) for r in rows]
