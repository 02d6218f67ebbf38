"""PowerQuery declarations read from `_powerschool__sources.yml` (`meta.query` of each table).

The one description of what Pathways asks PowerSchool for: the plugin (plugin.xml and the
named queries) and the dlt source are both built from it, so a field the source reads is
always a field the plugin requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ingest.declarations import DeclarationError
from ingest.paths import DBT_PROJECT_DIR
from ingest.registry import safe_load_yaml

SIS = "powerschool"
SOURCES_YML = Path("models/staging/powerschool/_powerschool__sources.yml")
QUERY_NAME = re.compile(r"^com\.pathways\.sis\.[a-z_]+$")  # five parts, PowerSchool's rule
FIELD = re.compile(r"^[A-Z][A-Z0-9_]*\.[A-Z][A-Z0-9_]*$")  # TABLE.FIELD
QUERY_KEYS = {"name", "from", "joins", "flattened", "order_by", "args", "columns"}


@dataclass(frozen=True)
class Column:
    field: str  # TABLE.FIELD as PowerSchool names it
    alias: str  # the flattened record key and the raw column

    @property
    def table(self) -> str:
        return self.field.split(".")[0]

    @cached_property  # read for every record of every page
    def nested_key(self) -> tuple[str, str]:
        """Where a nested record holds the value: tables.<table>.<field>, lower case."""
        table, name = self.field.lower().split(".")
        return table, name


@dataclass(frozen=True)
class Arg:
    name: str
    type: str
    column: str
    required: bool = False


@dataclass(frozen=True)
class Join:
    table: str
    on: tuple[tuple[str, str], ...]  # (left TABLE.FIELD, right TABLE.FIELD) pairs, and-ed


@dataclass(frozen=True)
class PowerQuery:
    dataset: str  # the source table, e.g. "students"
    name: str  # com.pathways.sis.students
    from_table: str
    columns: tuple[Column, ...]
    order_by: tuple[str, ...]
    args: tuple[Arg, ...] = ()
    joins: tuple[Join, ...] = ()
    flattened: bool = False
    sis: str = SIS
    schema: str = "raw_powerschool"

    @property
    def raw_columns(self) -> tuple[str, ...]:
        return tuple(c.alias for c in self.columns)

    @property
    def fields_read(self) -> tuple[str, ...]:
        """Every TABLE.FIELD the query's SQL reads: columns, joins, arguments, order."""
        seen: dict[str, None] = {}
        for f in (
            *(c.field for c in self.columns),
            *(f for j in self.joins for pair in j.on for f in pair),
            *(a.column for a in self.args),
            *self.order_by,
        ):
            seen.setdefault(f, None)
        return tuple(seen)

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.from_table, *(j.table for j in self.joins))


def _query(table: dict, where: str) -> PowerQuery:
    spec = (table.get("meta") or {}).get("query") or {}
    name = f"powerschool.{table['name']} in {where}"
    unknown = set(spec) - QUERY_KEYS
    missing = {"name", "from", "columns", "order_by"} - set(spec)
    if unknown or missing:
        raise DeclarationError(
            f"{name}: meta.query unknown keys {sorted(unknown)}, missing {sorted(missing)}"
        )
    query = PowerQuery(
        dataset=table["name"],
        name=spec["name"],
        from_table=spec["from"],
        columns=tuple(Column(c["field"], c["alias"]) for c in spec["columns"]),
        order_by=tuple(spec["order_by"]),
        args=tuple(
            Arg(a["name"], a["type"], a["column"], bool(a.get("required")))
            for a in spec.get("args") or ()
        ),
        joins=tuple(
            Join(j["table"], tuple((left, right) for left, right in j["on"]))
            for j in spec.get("joins") or ()
        ),
        flattened=bool(spec.get("flattened", False)),
    )
    if not QUERY_NAME.match(query.name):
        raise DeclarationError(
            f"{name}: query name {query.name!r} is not com.pathways.sis.<dataset>"
        )
    bad = [
        f for f in query.fields_read if not FIELD.match(f) or f.split(".")[0] not in query.tables
    ]
    if bad:
        raise DeclarationError(
            f"{name}: fields {bad} are not TABLE.FIELD of the query's tables {query.tables}"
        )
    aliases = query.raw_columns
    clashes = sorted(
        {a for a in aliases if aliases.count(a) > 1 or not re.fullmatch(r"[a-z][a-z0-9_]*", a)}
    )
    if clashes:
        raise DeclarationError(f"{name}: aliases {clashes} repeat or are not lower snake_case")
    nested = [c.nested_key for c in query.columns]
    if not query.flattened and len(set(nested)) != len(nested):
        raise DeclarationError(f"{name}: a nested query cannot read the same TABLE.FIELD twice")
    return query


def load_queries(dbt_project_dir: Path = DBT_PROJECT_DIR) -> dict[str, PowerQuery]:
    """Every declared PowerQuery by dataset, in declaration order."""
    path = dbt_project_dir / SOURCES_YML
    doc = safe_load_yaml(path.read_text(encoding="utf-8")) or {}
    queries: dict[str, PowerQuery] = {}
    for source in doc.get("sources", []):
        for table in source.get("tables", []):
            query = _query(table, str(path))
            queries[query.dataset] = query
    return queries
