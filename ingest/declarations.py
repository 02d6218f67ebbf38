"""File declarations read from each SIS's dbt sources YAML (`meta.file` of every table).

The ingest has no per-SIS parsing code: everything it needs to read a file is declared here.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.paths import DBT_PROJECT_DIR, SOURCES_GLOB
from ingest.registry import (
    FILE_OVERRIDE_KEYS,
    RegistryError,
    check_file_overrides,
    safe_load_yaml,
)

if TYPE_CHECKING:
    from ingest.registry import District

LINEAGE_COLUMNS = (
    "_district_id",
    "_source_file",
    "_file_sha256",
    "_row_number",
    "_loaded_at",
    "_dlt_load_id",
)


# The `meta.sis` of the platform's own sources: its files (Users data) are declared once and
# apply to every district in addition to its SIS's files.
PLATFORM = "pathways"


class DeclarationError(ValueError):
    """A sources YAML declares a file the ingest cannot read as declared."""


def snake_case(header: str) -> str:
    """The raw column name of a file column: `Name ID` -> name_id, `GPAMethod` -> gpa_method."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", header.strip())
    name = re.sub(r"([a-z\d])([A-Z])", r"\1_\2", name)
    name = re.sub(r"[^0-9A-Za-z]+", "_", name).strip("_").lower()
    return name


@dataclass(frozen=True)
class FileDeclaration:
    sis: str
    dataset: str  # the source table name, e.g. "students"
    schema: str  # raw schema, e.g. "raw_skyward_sms"
    pattern: str
    delimiter: str
    header: bool
    encodings: tuple[str, ...]
    columns: tuple[str, ...]  # as named by the SIS, in file order
    required: bool = True
    states: tuple[str, ...] = ()  # empty: every state
    quote: str = '"'  # "" for unquoted files (a field then never holds the delimiter)
    # A last field that ends every record (eSchool Download Manager's `#!#`): records may
    # then span lines, so the ingest counts records instead of lines.
    record_terminator: str | None = None
    # Export variants of the same layout (e.g. eSchool's Cognos and Download Manager): the
    # district picks one with `export_variant` in districts.yml.
    variants: dict[str, FileDeclaration] = field(default_factory=dict, compare=False)
    # The date a file's name carries, as a strptime format (`%Y%m%d`): files of a dataset are
    # ordered by it, then by mtime, and an older file never replaces a newer one.
    name_date: str | None = None

    @property
    def raw_columns(self) -> tuple[str, ...]:
        return tuple(snake_case(c) for c in self.columns)

    def matches(self, file_name: str) -> bool:
        return fnmatch.fnmatchcase(file_name, self.pattern)

    def file_date(self, file_name: str) -> date | None:
        """The date in the file name (the first text that parses with `name_date`)."""
        if not self.name_date:
            return None
        for match in re.finditer(_date_regex(self.name_date), file_name):
            try:
                return datetime.strptime(match.group(0), self.name_date).date()
            except ValueError:
                continue
        return None

    def applies_to_state(self, state: str) -> bool:
        return not self.states or state in self.states

    def for_variant(self, variant: str | None) -> FileDeclaration:
        """The declaration a district uses: the variant it exports, when there are any."""
        if not self.variants:
            return self
        if variant not in self.variants:
            raise DeclarationError(
                f"{self.sis}.{self.dataset} comes in variants {sorted(self.variants)}: set "
                f"export_variant to one of them for the district in districts.yml "
                f"(it is {variant!r})"
            )
        return self.variants[variant]


_DATE_FIELDS = {"%Y": r"\d{4}", "%m": r"\d{2}", "%d": r"\d{2}", "%y": r"\d{2}"}


def _date_regex(fmt: str) -> str:
    parts = re.split(r"(%[Ymdy])", fmt)
    body = "".join(_DATE_FIELDS.get(p, re.escape(p)) for p in parts)
    return rf"(?<!\d){body}(?!\d)"  # whole digit runs only


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


FILE_KEYS = {
    "pattern",
    "delimiter",
    "header",
    "encoding",
    "columns",
    "required",
    "states",
    "quote",
    "record_terminator",
    "variants",
    "name_date",
}


def _declaration(source: dict, table: dict, where: Path) -> FileDeclaration:
    spec = (table.get("meta") or {}).get("file")
    name = f"{source['name']}.{table['name']} in {where}"
    if not spec:
        raise DeclarationError(f"{name}: no meta.file declaration")
    base = {k: v for k, v in spec.items() if k != "variants"}
    variants = {
        variant: _build(source, table, {**base, **(overrides or {})}, f"{name} ({variant})")
        for variant, overrides in (spec.get("variants") or {}).items()
    }
    if any(v.columns != variants[next(iter(variants))].columns for v in variants.values()):
        raise DeclarationError(f"{name}: variants must share the columns (one raw table)")
    if variants:  # the base only names the dataset; each variant must be complete
        first = next(iter(variants.values()))
        return FileDeclaration(**{**first.__dict__, "variants": variants})
    return _build(source, table, base, name)


def _build(source: dict, table: dict, spec: dict, name: str) -> FileDeclaration:
    unknown = set(spec) - FILE_KEYS
    if unknown:
        raise DeclarationError(f"{name}: unknown meta.file keys {sorted(unknown)}")
    missing = {"pattern", "delimiter", "header", "encoding", "columns"} - set(spec)
    if missing:
        raise DeclarationError(f"{name}: meta.file lacks {sorted(missing)}")
    decl = FileDeclaration(
        sis=(source.get("meta") or {}).get("sis", source["name"]),
        dataset=table["name"],
        schema=source.get("schema", source["name"]),
        pattern=spec["pattern"],
        delimiter=spec["delimiter"],
        header=bool(spec["header"]),
        encodings=_as_tuple(spec["encoding"]),
        columns=_as_tuple(spec["columns"]),
        required=bool(spec.get("required", True)),
        states=_as_tuple(spec.get("states")),
        quote=spec.get("quote", '"') or "",
        record_terminator=spec.get("record_terminator"),
        name_date=spec.get("name_date"),
    )
    raw = decl.raw_columns
    # dlt would silently keep one of two columns that normalize alike. (Lineage columns start
    # with "_", which snake_case never produces, so they cannot clash.)
    clashes = sorted({c for c in raw if raw.count(c) > 1 or not c})
    if clashes:
        raise DeclarationError(
            f"{name}: columns normalize to clashing or empty names {clashes}; "
            "rename them in the declaration"
        )
    if len(decl.delimiter) != 1:
        raise DeclarationError(f"{name}: delimiter must be one character")
    if decl.name_date and not re.fullmatch(r"(%[Ymdy]|[^%])+", decl.name_date):
        raise DeclarationError(f"{name}: name_date may use only %Y, %m, %d and %y")
    if len(decl.quote) > 1:
        raise DeclarationError(f"{name}: quote must be one character, or empty for none")
    return decl


def load_declarations(dbt_project_dir: Path = DBT_PROJECT_DIR) -> dict[str, list[FileDeclaration]]:
    """Every declared raw file, grouped by SIS (the `meta.sis` of its source)."""
    by_sis: dict[str, list[FileDeclaration]] = {}
    for path in sorted(dbt_project_dir.glob(SOURCES_GLOB)):
        doc = safe_load_yaml(path.read_text(encoding="utf-8")) or {}
        for source in doc.get("sources", []):
            for table in source.get("tables", []):
                if (table.get("meta") or {}).get("file") is None:
                    continue  # a source table the ingest does not receive as a file
                decl = _declaration(source, table, path)
                by_sis.setdefault(decl.sis, []).append(decl)
    return by_sis


def declarations_for(sis: str, dbt_project_dir: Path = DBT_PROJECT_DIR) -> list[FileDeclaration]:
    found = load_declarations(dbt_project_dir).get(sis)
    if not found:
        raise DeclarationError(f"no file declarations for SIS {sis!r} under {dbt_project_dir}")
    return found


def district_declarations(
    district: District,
    declarations: dict[str, list[FileDeclaration]] | None = None,
    *,
    platform: bool = False,
) -> list[FileDeclaration]:
    """The files a district sends: its SIS's declarations for its state, in its export
    variant, and with `platform` also the platform's files any district may send (Users
    data), with its registry `files:` overrides (pattern, name_date, encoding, delimiter,
    header) applied. The one place the ingest and the generators pick a district's files."""
    declarations = declarations if declarations is not None else load_declarations()
    decls = [
        d.for_variant(district.export_variant)
        for d in declarations.get(district.sis, [])
        if d.applies_to_state(district.state)
    ]
    platform_decls = [
        d for d in declarations.get(PLATFORM, []) if d.applies_to_state(district.state)
    ]
    where = f"districts.yml: district {district.id!r}"
    check_file_overrides(where, district.files)
    by_dataset = {d.dataset: d for d in decls + platform_decls}
    if platform:
        decls += platform_decls
    unknown = sorted(set(district.files) - set(by_dataset))
    if unknown:
        raise RegistryError(
            f"{where}: files names datasets its SIS {district.sis!r} does not declare "
            f"{unknown}; write one of {sorted(by_dataset)}, e.g. "
            f'files: {{{next(iter(sorted(by_dataset)), "students")}: {{pattern: "Students.csv"}}}}'
        )
    return [_override(d, district.files.get(d.dataset) or {}, where) for d in decls]


def _override(decl: FileDeclaration, spec: dict, where: str) -> FileDeclaration:
    if not spec:
        return decl
    name = f"{where}: files.{decl.dataset}"
    changes: dict = {}
    for key, value in spec.items():
        if key not in FILE_OVERRIDE_KEYS:  # check_file_overrides ran: defensive only
            raise RegistryError(f"{name}: unknown key {key!r}")
        if key == "pattern":
            if not isinstance(value, str) or not value:
                raise RegistryError(f'{name}: pattern must be a file name or glob ("Students.csv")')
            changes["pattern"] = value
        elif key == "name_date":
            if value is not None and not (
                isinstance(value, str) and re.fullmatch(r"(%[Ymdy]|[^%])+", value)
            ):
                raise RegistryError(
                    f"{name}: name_date must be null or a format of %Y, %m, %d and %y"
                )
            changes["name_date"] = value
        elif key == "encoding":
            encodings = _as_tuple(value)
            if not encodings:
                raise RegistryError(f"{name}: encoding must name one or more encodings")
            changes["encodings"] = encodings
        elif key == "delimiter":
            if not isinstance(value, str) or len(value) != 1:
                raise RegistryError(f'{name}: delimiter must be one character (e.g. "," or "\\t")')
            changes["delimiter"] = value
        elif key == "header":
            if not isinstance(value, bool):
                raise RegistryError(f"{name}: header must be true or false")
            changes["header"] = value
    return dataclasses.replace(decl, **changes)
