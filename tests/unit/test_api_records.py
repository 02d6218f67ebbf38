"""How PowerSchool records become raw columns and a content hash (ingest/powerschool/helpers.py).

The column-wise fast path for records of the contract's shape and the careful per-record
path for anything else must give the same columns, and the hash must not depend on how the
records were paged (a re-read with another page size is the same content: a duplicate)."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.powerschool.helpers import QueryResult, page_columns, record_row
from ingest.powerschool.queries import load_queries

pytestmark = pytest.mark.unit

QUERIES = load_queries()
NESTED = QUERIES["students"]
FLAT = QUERIES["staff"]
assert not NESTED.flattened and FLAT.flattened


def _nested(n: int) -> dict:
    values = {c.nested_key[1]: f"{c.alias}-{n}" for c in NESTED.columns}
    return {"id": n, "name": "students", "tables": {"students": values}}


def _flat(n: int) -> dict:
    return {c.alias: f"{c.alias}-{n}" for c in FLAT.columns}


@pytest.mark.parametrize(("query", "make"), [(NESTED, _nested), (FLAT, _flat)])
def test_fast_and_careful_paths_agree(query, make):
    records = [make(n) for n in range(5)]
    careful = [record_row(query, r) for r in records]
    columns = page_columns(query, records)
    assert list(columns) == list(query.raw_columns)
    assert columns == {a: [row[a] for row in careful] for a in query.raw_columns}


def test_odd_shapes_take_the_careful_path():
    records = [_nested(n) for n in range(3)]
    records[0]["tables"]["students"]["grade_level"] = 9  # a number, not a string
    del records[1]["tables"]["students"]["middle_name"]  # a field the record lacks
    records[2]["tables"] = {
        "STUDENTS": {k.upper(): v for k, v in records[2]["tables"]["students"].items()}
    }
    columns = page_columns(NESTED, records)
    assert columns["grade_level"][0] == "9"
    assert columns["middle_name"][1] is None
    assert columns["id"][2] == "id-2"


def test_the_hash_does_not_depend_on_paging():
    records = [_nested(n) for n in range(7)]
    whole, paged = QueryResult(NESTED), QueryResult(NESTED)
    whole.add_page(records)
    for start in range(0, 7, 3):
        paged.add_page(records[start : start + 3])
    assert whole.sha256 == paged.sha256 and whole.size_bytes == paged.size_bytes
    assert (whole.rows, paged.rows, paged.pages) == (7, 7, 3)
    changed = QueryResult(NESTED)
    changed.add_page([_nested(n) if n != 4 else _nested(40) for n in range(7)])
    assert changed.sha256 != whole.sha256


# any text a server may send (surrogates cannot be encoded, by either encoder), or nothing
FIELD = st.none() | st.text(st.characters(exclude_categories=("Cs",)))


@given(st.lists(st.tuples(*[FIELD] * len(NESTED.columns)), min_size=1, max_size=5))
def test_the_hash_is_of_compact_json_whatever_the_text(rows):
    """The content hash is stable across versions: each record is hashed as the standard
    library writes it compactly in UTF-8, whatever the characters (quotes, backslashes,
    control characters, line separators, emoji)."""
    records = [
        {
            "id": n,
            "name": "students",
            "tables": {
                "students": dict(zip((c.nested_key[1] for c in NESTED.columns), row, strict=True))
            },
        }
        for n, row in enumerate(rows)
    ]
    result = QueryResult(NESTED)
    result.add_page(records)
    expected = b"".join(
        json.dumps(list(row), separators=(",", ":"), ensure_ascii=False).encode() + b","
        for row in rows
    )
    assert result.sha256 == hashlib.sha256(expected).hexdigest()
    assert result.size_bytes == len(expected)
