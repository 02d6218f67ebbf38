"""The small, fixed vocabulary of mutations a corpus case applies to one generated file.

Each mutation takes the district's generated folder, the file's declaration and the case's
arguments, changes the file on disk and returns a `Mutated` saying which file tonight's
expectation is about and how many data rows it now holds. Lines the mutation does not touch
stay byte for byte as the generator wrote them (encoding, BOM, quoting, line ends); a touched
line is re-joined with the declared delimiter and quote.

Adding a kind: a function `(target: Target, **args) -> Mutated` registered in MUTATIONS, and a
line in tests/corpus/README.md.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.declarations import FileDeclaration


@dataclass
class Target:
    """The generated file a mutation works on."""

    path: Path
    decl: FileDeclaration


@dataclass
class Mutated:
    file_name: (
        str | None
    )  # tonight's file of the dataset as the ingest will name it (None: no file)
    data_rows: int  # data rows it holds after the mutation


class MutationError(ValueError):
    pass


# --- reading and writing a declared file, line by line ---------------------------------


@dataclass
class TextFile:
    encoding: str
    bom: str
    lines: list[str]  # with their line ends; no blank trailing lines
    trailing: list[str]  # blank trailing lines, kept as they were

    @classmethod
    def read(cls, path: Path, decl: FileDeclaration) -> TextFile:
        raw = path.read_bytes()
        if raw.startswith(b"\xff\xfe"):
            encoding, bom, text = "utf-16-le", "\ufeff", raw[2:].decode("utf-16-le")
        elif raw.startswith(b"\xef\xbb\xbf"):
            encoding, bom, text = "utf-8", "\ufeff", raw[3:].decode("utf-8")
        else:
            bom = ""
            try:
                encoding, text = "utf-8", raw.decode("utf-8")
            except UnicodeDecodeError:
                encoding, text = "cp1252", raw.decode("cp1252")
        lines = text.splitlines(keepends=True)
        trailing = []
        while lines and not lines[-1].strip("\r\n"):
            trailing.insert(0, lines.pop())
        end = decl.record_terminator
        if end and any(not line.rstrip("\r\n").endswith(end) for line in lines):
            # the terminator is one more field (eSchool Download Manager's `#!#`): a record
            # across lines (a line break inside a value) is not supported
            raise MutationError(f"{decl.dataset}: a record spans lines (record terminator {end})")
        return cls(encoding, bom, lines, trailing)

    def write(self, path: Path) -> None:
        text = self.bom + "".join(self.lines + self.trailing)
        stat = path.stat()
        path.write_bytes(text.encode(self.encoding))
        os.utime(path, (stat.st_atime, stat.st_mtime))  # as old as the generator made it


def _header_lines(decl: FileDeclaration) -> int:
    return 1 if decl.header else 0


def _split(line: str, decl: FileDeclaration) -> tuple[list[str], str]:
    body = line.rstrip("\r\n")
    end = line[len(body) :]
    if decl.quote:
        fields = next(csv.reader([body], delimiter=decl.delimiter, quotechar=decl.quote))
    else:
        fields = body.split(decl.delimiter)
    return fields, end


def _join(fields: list[str], end: str, decl: FileDeclaration) -> str:
    if not decl.quote:
        return decl.delimiter.join(fields) + end
    out = io.StringIO()
    csv.writer(
        out,
        delimiter=decl.delimiter,
        quotechar=decl.quote,
        lineterminator="",
        quoting=csv.QUOTE_MINIMAL,
    ).writerow(fields)
    return out.getvalue() + end


def _data_index(text: TextFile, decl: FileDeclaration, row: int) -> int:
    """Index in text.lines of data row `row` (1 = the first row after the header)."""
    index = _header_lines(decl) + row - 1
    if row < 1 or index >= len(text.lines):
        raise MutationError(
            f"{decl.dataset}: row {row} does not exist "
            f"({len(text.lines) - _header_lines(decl)} data rows)"
        )
    return index


def _column(decl: FileDeclaration, column: str) -> int:
    if column not in decl.columns:
        raise MutationError(
            f"{decl.sis}.{decl.dataset} declares no column {column!r}: {decl.columns}"
        )
    return decl.columns.index(column)


def _done(target: Target, text: TextFile) -> Mutated:
    text.write(target.path)
    return Mutated(target.path.name, len(text.lines) - _header_lines(target.decl))


# --- the mutations ------------------------------------------------------------------------


def set_cell(target: Target, *, row: int, column: str, value: str) -> Mutated:
    """Data row `row`'s `column` becomes `value` (an empty string empties it)."""
    text = TextFile.read(target.path, target.decl)
    index = _data_index(text, target.decl, row)
    fields, end = _split(text.lines[index], target.decl)
    fields[_column(target.decl, column)] = str(value)
    text.lines[index] = _join(fields, end, target.decl)
    return _done(target, text)


def copy_cell(target: Target, *, row: int, column: str, from_row: int) -> Mutated:
    """Data row `row`'s `column` takes the value it has on data row `from_row`."""
    text = TextFile.read(target.path, target.decl)
    source, _ = _split(text.lines[_data_index(text, target.decl, from_row)], target.decl)
    return set_cell(target, row=row, column=column, value=source[_column(target.decl, column)])


def rename_column(target: Target, *, column: str, to: str) -> Mutated:
    """The header names `column` `to` instead."""
    text = TextFile.read(target.path, target.decl)
    if not target.decl.header:
        raise MutationError(f"{target.decl.dataset} has no header")
    fields, end = _split(text.lines[0], target.decl)
    fields[_column(target.decl, column)] = to
    text.lines[0] = _join(fields, end, target.decl)
    return _done(target, text)


def drop_row(target: Target, *, row: int) -> Mutated:
    text = TextFile.read(target.path, target.decl)
    del text.lines[_data_index(text, target.decl, row)]
    return _done(target, text)


def duplicate_row(target: Target, *, row: int) -> Mutated:
    """Data row `row` is written twice (the copy becomes row `row + 1`)."""
    text = TextFile.read(target.path, target.decl)
    index = _data_index(text, target.decl, row)
    text.lines.insert(index + 1, text.lines[index])
    return _done(target, text)


def empty_file(target: Target, *, keep_header: bool = False) -> Mutated:
    """Zero bytes, or the header alone."""
    text = TextFile.read(target.path, target.decl)
    if not keep_header:
        target.path.write_bytes(b"")
        return Mutated(target.path.name, 0)
    text.lines, text.trailing = text.lines[: _header_lines(target.decl)], []
    return _done(target, text)


def cut_rows(target: Target, *, share: float) -> Mutated:
    """The last `share` of the data rows are cut (0.6: 60% fewer rows), at a line end."""
    text = TextFile.read(target.path, target.decl)
    head = _header_lines(target.decl)
    data = len(text.lines) - head
    keep = data - int(round(share * data))
    text.lines = text.lines[: head + keep]
    return _done(target, text)


def extra_field(target: Target, *, share: float = 0, rows: list[int] | None = None) -> Mutated:
    """Lines that cannot be parsed: one more field on every `1/share`-th data row (from the
    first), or on the data rows listed in `rows`."""
    text = TextFile.read(target.path, target.decl)
    head = _header_lines(target.decl)
    data = len(text.lines) - head
    if rows is None:
        step = max(1, int(round(1 / share)))
        rows = list(range(1, data + 1, step))
    for row in rows:
        index = _data_index(text, target.decl, row)
        fields, end = _split(text.lines[index], target.decl)
        at = len(fields) - (1 if target.decl.record_terminator else 0)  # before the terminator
        text.lines[index] = _join([*fields[:at], "extra", *fields[at:]], end, target.decl)
    return _done(target, text)


def rename_file(target: Target, *, to: str) -> Mutated:
    """The file is renamed to `to` (in the same folder)."""
    text = TextFile.read(target.path, target.decl)
    new = target.path.parent / to
    target.path.rename(new)
    matches = target.decl.matches(_relative(new, target))
    return Mutated(new.name if matches else None, len(text.lines) - _header_lines(target.decl))


def touch(target: Target) -> Mutated:
    """The same content again, with a new modification time (a re-sent file)."""
    text = TextFile.read(target.path, target.decl)
    stamp = target.path.stat().st_mtime + 60
    os.utime(target.path, (stamp, stamp))
    return Mutated(target.path.name, len(text.lines) - _header_lines(target.decl))


def cut_bytes(target: Target, *, share: float) -> Mutated:
    """The file ends inside a line (a dropped transfer): right after the first delimiter of
    the line holding byte `share` of the file, so that line lacks fields. (A cut inside the
    last field of a line leaves a line that parses: no reader can tell it from a short value.)"""
    text = TextFile.read(target.path, target.decl)
    head = _header_lines(target.decl)
    lines = text.lines
    total = sum(len(line) for line in lines)
    position, index = 0, len(lines) - 1
    for i, line in enumerate(lines):
        if position + len(line) > share * total:
            index = i
            break
        position += len(line)
    index = max(index, head)
    first_field = lines[index].split(target.decl.delimiter, 1)[0]
    text.lines = lines[:index] + [first_field + target.decl.delimiter]
    text.trailing = []
    return _done(target, text)


def reencode(target: Target, *, encoding: str) -> Mutated:
    """The same text written in another encoding (`cp1252`, `utf-16-le` + BOM with `utf-16`)."""
    text = TextFile.read(target.path, target.decl)
    text.encoding, text.bom = encoding, ("\ufeff" if encoding == "utf-16" else "")
    if encoding == "utf-16":
        text.encoding = "utf-16-le"
    return _done(target, text)


def remove_file(target: Target) -> Mutated:
    target.path.unlink()
    return Mutated(None, 0)


def _relative(path: Path, target: Target) -> str:
    # patterns may reach one folder down (Harmony's `*/students.csv`)
    depth = target.decl.pattern.count("/")
    return "/".join(path.parts[-(depth + 1) :])


Mutation = Callable[..., Mutated]
MUTATIONS: dict[str, Mutation] = {
    "set_cell": set_cell,
    "copy_cell": copy_cell,
    "rename_column": rename_column,
    "drop_row": drop_row,
    "duplicate_row": duplicate_row,
    "empty_file": empty_file,
    "cut_rows": cut_rows,
    "extra_field": extra_field,
    "rename_file": rename_file,
    "remove_file": remove_file,
    "touch": touch,
    "cut_bytes": cut_bytes,
    "reencode": reencode,
}


def apply(kind: str, target: Target, args: dict) -> Mutated:
    if kind not in MUTATIONS:
        raise MutationError(f"unknown mutation {kind!r}; known: {sorted(MUTATIONS)}")
    try:
        return MUTATIONS[kind](target, **args)
    except TypeError as err:
        raise MutationError(f"mutation {kind}: {err}") from None
