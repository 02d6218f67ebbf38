"""The PowerSchool plugin zip, written by the real command line, is what SIS_LAYOUTS.md says a
district uploads: plugin.xml in the plugin namespace with <oauth> and exactly the fields the
queries read (ViewOnly), and one named-queries file per declared PowerQuery."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml

from ingest.cli import main
from ingest.declarations import DeclarationError
from ingest.paths import DBT_PROJECT_DIR
from ingest.powerschool.plugin import NAMESPACE, write_plugin_zip
from ingest.powerschool.queries import SOURCES_YML, load_queries

NS = {"p": NAMESPACE}
QUERIES = load_queries()


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plugin") / "pathways_plugin.zip"
    assert main(["powerschool-plugin", "--out", str(out)]) == 0
    return out


def _xml(zf: zipfile.ZipFile, name: str) -> ET.Element:
    return ET.fromstring(zf.read(name))


def test_cli_prints_what_it_wrote(tmp_path, capsys):
    out = tmp_path / "sub" / "plugin.zip"
    assert main(["powerschool-plugin", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and "plugin.xml" in printed
    for query in QUERIES.values():
        assert f"queries_root/{query.name}.named_queries.xml" in printed
    assert not list(out.parent.glob("*.part"))


def test_zip_holds_plugin_xml_and_one_file_per_query(plugin_zip):
    with zipfile.ZipFile(plugin_zip) as zf:
        assert zf.testzip() is None
        names = sorted(zf.namelist())
    expected = ["plugin.xml"] + [
        f"queries_root/{q.name}.named_queries.xml" for q in QUERIES.values()
    ]
    assert names == sorted(expected)
    assert len(QUERIES) == 6


def test_plugin_xml_namespace_oauth_and_attributes(plugin_zip):
    with zipfile.ZipFile(plugin_zip) as zf:
        raw = zf.read("plugin.xml")
        root = _xml(zf, "plugin.xml")
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert root.tag == f"{{{NAMESPACE}}}plugin"
    assert b'<plugin xmlns="http://plugin.powerschool.pearson.com"' in raw
    assert root.get("name") == "Pathways SIS"
    assert re.fullmatch(r"\d+\.\d+\.\d+", root.get("version") or "")
    assert root.get("description")
    assert root.find("p:oauth", NS) is not None
    assert b"<oauth></oauth>" in raw
    assert len(root.findall("p:access_request", NS)) == 1


def test_every_declared_field_is_requested_once_view_only(plugin_zip):
    with zipfile.ZipFile(plugin_zip) as zf:
        root = _xml(zf, "plugin.xml")
    fields = root.findall("p:access_request/p:field", NS)
    requested = [f"{f.get('table')}.{f.get('field')}" for f in fields]
    assert {f.get("access") for f in fields} == {"ViewOnly"}
    assert len(requested) == len(set(requested))  # each exactly once
    declared = {field for q in QUERIES.values() for field in q.fields_read}
    assert set(requested) == declared
    # joins, arguments and order keys are read too, not only the columns
    assert {"SCHOOLSTAFF.USERS_DCID", "USERS.DCID", "SCHOOLSTAFF.SCHOOLID"} <= set(requested)


def test_each_query_file_has_its_columns_in_order_and_sql_ordered_by_its_key(plugin_zip):
    with zipfile.ZipFile(plugin_zip) as zf:
        for query in QUERIES.values():
            raw = zf.read(f"queries_root/{query.name}.named_queries.xml")
            root = ET.fromstring(raw)
            assert root.tag == "queries"
            (element,) = root.findall("query")
            assert element.get("name") == query.name
            assert element.get("flattened") == ("true" if query.flattened else "false")
            assert element.find("description") is not None
            columns = [(c.get("column"), c.text) for c in element.findall("columns/column")]
            assert columns == [(c.field, c.alias) for c in query.columns]
            args = [
                (a.get("name"), a.get("type"), a.get("required"), a.get("column"))
                for a in element.findall("args/arg")
            ]
            assert args == [
                (a.name, a.type, "true" if a.required else "false", a.column) for a in query.args
            ]
            assert b"<![CDATA[" in raw  # the SQL travels as CDATA
            sql = " ".join(element.findtext("sql").split())
            select = re.fullmatch(r"SELECT (.+?) FROM (\w+)(.*) ORDER BY (.+)", sql)
            assert select, sql
            assert [c.strip() for c in select.group(1).split(",")] == [
                c.field for c in query.columns
            ]
            assert select.group(2) == query.from_table
            assert [k.strip() for k in select.group(4).split(",")] == list(query.order_by)
            for join in query.joins:
                assert f"JOIN {join.table} ON" in select.group(3)
            for arg in query.args:
                assert f"(:{arg.name} IS NULL OR {arg.column} = :{arg.name})" in select.group(3)


def test_the_same_declarations_give_the_same_bytes(tmp_path):
    first = write_plugin_zip(tmp_path / "a.zip")
    second = write_plugin_zip(tmp_path / "b.zip")
    assert first.read_bytes() == second.read_bytes()


def _project_with(tmp_path: Path, change) -> Path:
    """A copy of the PowerSchool sources YAML in a temporary dbt project dir, changed."""
    doc = yaml.safe_load((DBT_PROJECT_DIR / SOURCES_YML).read_text(encoding="utf-8"))
    change(doc["sources"][0]["tables"])
    path = tmp_path / "dbt" / SOURCES_YML
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return tmp_path / "dbt"


def _bad_field(tables):
    tables[0]["meta"]["query"]["columns"][0]["field"] = "students.id"


def _foreign_field(tables):
    tables[0]["meta"]["query"]["order_by"] = ["USERS.DCID"]


def _bad_name(tables):
    tables[0]["meta"]["query"]["name"] = "pathways.students"


@pytest.mark.parametrize("change", [_bad_field, _foreign_field, _bad_name])
def test_a_bad_declaration_raises_before_any_zip(tmp_path, change):
    project = _project_with(tmp_path, change)
    with pytest.raises(DeclarationError, match="powerschool.students"):
        write_plugin_zip(tmp_path / "plugin.zip", load_queries(project))
    assert not (tmp_path / "plugin.zip").exists()


def test_the_unchanged_copy_loads(tmp_path):
    project = _project_with(tmp_path, lambda tables: None)
    assert load_queries(project) == QUERIES
