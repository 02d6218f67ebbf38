"""The Pathways PowerSchool plugin, built from the PowerQuery declarations.

What a PowerSchool administrator uploads (System > System Settings > Plugin Management):
a zip holding

- `plugin.xml`: root `<plugin xmlns="http://plugin.powerschool.pearson.com" name version
  description>`, `<oauth></oauth>` (the district then gets a client id and secret) and
  `<access_request>` with one `<field table= field= access="ViewOnly"/>` per TABLE.FIELD any
  query reads (columns, joins, arguments, order), each once;
- `queries_root/com.pathways.sis.<dataset>.named_queries.xml`: one PowerQuery per file, its
  arguments, its columns (TABLE.FIELD -> alias, in record order) and its SQL, which orders by
  the declared key (paging relies on it).

Nothing here is per query: every piece comes from `load_queries()` (SIS_LAYOUTS.md,
"PowerSchool"), so a field the dlt source reads is always a field the plugin requests.
"""

from __future__ import annotations

import tomllib
import zipfile
from collections.abc import Mapping
from pathlib import Path
from xml.etree import ElementTree as ET

from ingest.declarations import DeclarationError
from ingest.paths import REPO_ROOT
from ingest.powerschool.queries import PowerQuery, load_queries

NAMESPACE = "http://plugin.powerschool.pearson.com"
PLUGIN_NAME = "Pathways SIS"
PLUGIN_DESCRIPTION = (
    "Read-only PowerQueries through which Pathways pulls students, staff, courses, course "
    "requests, stored grades and class rank every night."
)
QUERIES_ROOT = "queries_root"
ACCESS = "ViewOnly"
_CDATA_MARK = "@@PATHWAYS_SQL_CDATA@@"  # replaced by the CDATA section after serializing


def plugin_version() -> str:
    """The plugin's version is the project's (pyproject.toml): a new release, a new upload."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return str(project["project"]["version"])


def query_file_name(query: PowerQuery) -> str:
    return f"{QUERIES_ROOT}/{query.name}.named_queries.xml"


def requested_fields(queries: Mapping[str, PowerQuery]) -> list[tuple[str, str]]:
    """(TABLE, FIELD) of every field any query reads, each once, in declaration order."""
    seen: dict[tuple[str, str], None] = {}
    for query in queries.values():
        for field in query.fields_read:
            table, name = field.split(".")
            seen.setdefault((table, name), None)
    return list(seen)


def query_sql(query: PowerQuery) -> str:
    """The query's SQL: its columns in record order, joins, optional argument filters, ORDER BY."""
    lines = ["SELECT", ",\n".join(f"    {c.field}" for c in query.columns)]
    lines.append(f"FROM {query.from_table}")
    for join in query.joins:
        on = " AND ".join(f"{left} = {right}" for left, right in join.on)
        lines.append(f"JOIN {join.table} ON {on}")
    filters = [
        f"{arg.column} = :{arg.name}"
        if arg.required
        else f"(:{arg.name} IS NULL OR {arg.column} = :{arg.name})"
        for arg in query.args
    ]
    if filters:
        lines.append("WHERE " + "\n    AND ".join(filters))
    lines.append("ORDER BY " + ", ".join(query.order_by))
    sql = "\n".join(lines)
    if "]]>" in sql:  # cannot happen with validated names; a CDATA section could not hold it
        raise DeclarationError(f"{query.name}: SQL cannot contain ']]>'")
    return sql


def _xml(root: ET.Element, cdata: str | None = None) -> bytes:
    ET.indent(root, space="  ")
    text = ET.tostring(root, encoding="unicode", xml_declaration=False)
    if cdata is not None:
        text = text.replace(_CDATA_MARK, f"<![CDATA[\n{cdata}\n]]>", 1)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")


def plugin_xml(queries: Mapping[str, PowerQuery], version: str | None = None) -> bytes:
    # the default namespace as a plain attribute: children inherit it, and ElementTree's
    # process-wide prefix registry stays untouched
    root = ET.Element(
        "plugin",
        {
            "xmlns": NAMESPACE,
            "name": PLUGIN_NAME,
            "version": version or plugin_version(),
            "description": PLUGIN_DESCRIPTION,
        },
    )
    ET.SubElement(root, "oauth")
    access = ET.SubElement(root, "access_request")
    for table, field in requested_fields(queries):
        ET.SubElement(access, "field", {"table": table, "field": field, "access": ACCESS})
    # `<oauth></oauth>`, the pair PowerSchool's documentation shows (same element as <oauth/>)
    return _xml(root).replace(b"<oauth />", b"<oauth></oauth>", 1)


def named_queries_xml(query: PowerQuery) -> bytes:
    root = ET.Element("queries")
    element = ET.SubElement(
        root, "query", {"name": query.name, "flattened": "true" if query.flattened else "false"}
    )
    ET.SubElement(element, "description").text = (
        f"Pathways {query.dataset}: {', '.join(query.tables)} ordered by "
        f"{', '.join(query.order_by)}"
    )
    args = ET.SubElement(element, "args")
    for arg in query.args:
        ET.SubElement(
            args,
            "arg",
            {
                "name": arg.name,
                "type": arg.type,
                "required": "true" if arg.required else "false",
                "column": arg.column,
            },
        )
    columns = ET.SubElement(element, "columns")
    for column in query.columns:
        ET.SubElement(columns, "column", {"column": column.field}).text = column.alias
    ET.SubElement(element, "sql").text = _CDATA_MARK
    return _xml(root, cdata=query_sql(query))


def _add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    # a fixed timestamp: the same declarations give the same zip, byte for byte
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def write_plugin_zip(out: Path, queries: Mapping[str, PowerQuery] | None = None) -> Path:
    """Write the plugin zip (plugin.xml and one named_queries.xml per query) to `out`."""
    queries = load_queries() if queries is None else queries
    if not queries:
        raise DeclarationError("no PowerQuery declared: the plugin would be empty")
    names = [q.name for q in queries.values()]
    if len(names) != len(set(names)):
        raise DeclarationError(f"PowerQuery names repeat: {sorted(names)}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        _add(zf, "plugin.xml", plugin_xml(queries))
        for query in queries.values():
            _add(zf, query_file_name(query), named_queries_xml(query))
    partial.replace(out)
    return out
