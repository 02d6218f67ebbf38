"""A PowerSchool API emulator: a real HTTP server on 127.0.0.1 that follows the contract
(SIS_LAYOUTS.md, "PowerSchool"), for the demo, the tests and the benchmark.

It knows only what a real PowerSchool would: the plugin zip a district installed (its
plugin.xml grants and its `queries_root/*.named_queries.xml` PowerQueries, parsed from the
zip, never from the declarations) and the district's records (query name -> records keyed by
TABLE.FIELD, e.g. `ingest.simulation.generators.powerschool.api_records`).

    emu = PowerSchoolEmulator(plugin_zip, records, client_id, client_secret)
    with emu:
        emu.base_url                     # http://127.0.0.1:PORT
        emu.faults.append(Fault("rate_limit", query="com.pathways.sis.grades", page=2))
        emu.requests                     # [RequestLog(method, path, page, status, fault)]
        emu.expire_tokens()

Endpoints:

- `POST /oauth/access_token`: `Authorization: Basic base64(id:secret)` and the form body
  `grant_type=client_credentials` -> `{"access_token", "token_type": "Bearer",
  "expires_in": "<seconds>"}`; anything else -> 401. A token expires `token_seconds` after it
  was issued (or at `expire_tokens()`).
- `GET /ws/v1/metadata` -> `{"metadata": {"schema_table_query_max_page_size": N, ...}}`.
- `POST /ws/schema/query/<name>?page=N&pagesize=M` with a JSON object body (`{}` or the
  query's arguments): the records of the query, filtered by the arguments given (a null
  argument filters nothing), in the order of the SQL's `ORDER BY` (numbers compare as
  numbers), page N (1-based, default 1) of M (default and cap: `max_page_size`; a larger
  `pagesize` is capped silently, as PowerSchool does). Nested queries answer
  `{"name", "record": [{"id", "name": "<from table>", "tables": {"<table>": {"<field>":
  "value"}}}]}` (lower case names); `flattened="true"` queries answer `{"name", "record":
  [{"<alias>": "value"}]}`. A page past the end (or an empty result) has no `record` key.
  Every value is a string.
- `POST /ws/schema/query/<name>/count` (same body) -> `{"count": N}`.
- Errors, as JSON `{"message": ...}`: 400 bad page/pagesize (not a positive integer), a body
  that is not a JSON object, an unknown or missing required argument; 401 missing, unknown
  or expired bearer token; 403 the query reads a TABLE.FIELD the plugin's access_request does
  not grant; 404 unknown query or path; 405 wrong method.
  Every endpoint under /ws/ needs a valid bearer token.

Faults (`Fault`, appended to `emu.faults`): the first fault matching a request is applied
and consumed once (after `times` uses it is removed). `query` is a query name (its page and
count requests), None (every query and count request), or `"metadata"` / `"oauth"` for those
endpoints; `page` narrows it to that page (then never a count request).

    rate_limit      429 with `Retry-After: <ceil(seconds)>`
    unavailable     503
    stall           sleep `seconds`, then answer normally
    drop            send the headers (full Content-Length) and half the body, then close
    expire_token    the bearer token of that request expires now -> 401
    count_mismatch  `/count` answers the true count + `delta` (count requests only)

Nothing is logged to the terminal; `emu.requests` holds method, path, page, status and the
fault applied: no record content, no token.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import secrets
import socket
import threading
import time
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

PLUGIN_NAMESPACE = "http://plugin.powerschool.pearson.com"
QUERY_PREFIX = "/ws/schema/query/"
FAULT_KINDS = ("rate_limit", "unavailable", "stall", "drop", "expire_token", "count_mismatch")
FIELD_IN_SQL = re.compile(r"\b([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z][A-Za-z0-9_]*)\b")
ORDER_BY = re.compile(r"\bORDER\s+BY\s+(.+?)\s*;?\s*$", re.IGNORECASE | re.DOTALL)
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class PluginError(ValueError):
    """The plugin zip is not a PowerSchool plugin the emulator can serve."""


@dataclass
class Fault:
    kind: str
    query: str | None = None
    page: int | None = None
    times: int = 1
    seconds: float = 0.0
    delta: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {FAULT_KINDS}")


@dataclass(frozen=True)
class RequestLog:
    method: str
    path: str  # without the query string
    page: int | None  # the page asked for (query requests), else None
    status: int  # the status in the headers sent (a dropped answer logs it with fault "drop")
    fault: str | None = None  # the fault applied to this request


@dataclass(frozen=True)
class ServedQuery:
    """A PowerQuery as the zip defines it."""

    name: str
    from_table: str
    flattened: bool
    columns: tuple[tuple[str, str], ...]  # (TABLE.FIELD, alias), record order
    args: Mapping[str, tuple[str, bool]]  # arg name -> (TABLE.FIELD, required)
    order_by: tuple[tuple[str, bool], ...]  # (TABLE.FIELD, descending)
    fields_read: frozenset[str]


# --------------------------------------------------------------------------- the plugin zip


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse_order_by(name: str, sql: str) -> tuple[tuple[str, bool], ...]:
    found = ORDER_BY.search(sql)
    if not found:
        raise PluginError(f"{name}: the SQL has no ORDER BY (paging needs a stable order)")
    keys = []
    for part in found.group(1).split(","):
        words = part.split()
        if not words or not FIELD_IN_SQL.fullmatch(words[0]):
            raise PluginError(f"{name}: ORDER BY term {part.strip()!r} is not TABLE.FIELD")
        keys.append((words[0].upper(), len(words) > 1 and words[1].upper() == "DESC"))
    return tuple(keys)


def _parse_query(element: ET.Element) -> ServedQuery:
    name = element.get("name") or ""
    if not name:
        raise PluginError("a <query> has no name")
    sql = element.findtext("sql") or ""
    columns = tuple(
        ((c.get("column") or "").upper(), (c.text or "").strip())
        for c in element.findall("columns/column")
    )
    if not columns or any(not FIELD_IN_SQL.fullmatch(f) or not a for f, a in columns):
        raise PluginError(f"{name}: every <column> needs column='TABLE.FIELD' and an alias")
    args = {
        a.get("name", ""): ((a.get("column") or "").upper(), a.get("required") == "true")
        for a in element.findall("args/arg")
    }
    from_match = re.search(r"\bFROM\s+([A-Za-z][A-Za-z0-9_]*)", sql, re.IGNORECASE)
    if not from_match:
        raise PluginError(f"{name}: the SQL has no FROM")
    read = {f"{t}.{f}".upper() for t, f in FIELD_IN_SQL.findall(sql)}
    read |= {f for f, _ in columns} | {c for c, _ in args.values() if c}
    return ServedQuery(
        name=name,
        from_table=from_match.group(1).upper(),
        flattened=(element.get("flattened") or "false").lower() == "true",
        columns=columns,
        args=args,
        order_by=_parse_order_by(name, sql),
        fields_read=frozenset(read),
    )


def read_plugin(plugin_zip: Path) -> tuple[dict[str, ServedQuery], frozenset[str]]:
    """The zip's PowerQueries by name, and the TABLE.FIELD its plugin.xml grants."""
    with zipfile.ZipFile(plugin_zip) as zf:
        names = zf.namelist()
        if "plugin.xml" not in names:
            raise PluginError(f"{plugin_zip}: no plugin.xml")
        plugin = ET.fromstring(zf.read("plugin.xml"))
        if plugin.tag != f"{{{PLUGIN_NAMESPACE}}}plugin":
            raise PluginError(f"{plugin_zip}: plugin.xml root is not the plugin namespace")
        granted = frozenset(
            f"{f.get('table', '')}.{f.get('field', '')}".upper()
            for access in plugin
            if _local(access.tag) == "access_request"
            for f in access
            if _local(f.tag) == "field" and f.get("access") in ("ViewOnly", "FullAccess")
        )
        queries: dict[str, ServedQuery] = {}
        for name in sorted(names):
            if not (name.startswith("queries_root/") and name.endswith(".named_queries.xml")):
                continue
            for element in ET.fromstring(zf.read(name)).findall("query"):
                query = _parse_query(element)
                queries[query.name] = query
    return queries, granted


def _sort_value(value: str) -> tuple[int, float, str]:
    return (0, float(value), "") if NUMBER.match(value) else (1, 0.0, value)


def _ordered(query: ServedQuery, records: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    rows = [{k.upper(): "" if v is None else str(v) for k, v in r.items()} for r in records]
    for field, descending in reversed(query.order_by):  # stable sorts, last key first
        rows.sort(key=lambda r, f=field: _sort_value(r.get(f, "")), reverse=descending)
    return rows


# --------------------------------------------------------------------------- the emulator


class _Reply(Exception):
    def __init__(self, status: int, body: dict, headers: Mapping[str, str] | None = None):
        super().__init__(status)
        self.status, self.body, self.headers = status, body, dict(headers or {})


class PowerSchoolEmulator:
    def __init__(
        self,
        plugin_zip: Path,
        records: Mapping[str, Iterable[Mapping[str, Any]]],
        client_id: str,
        client_secret: str,
        max_page_size: int = 100,
        token_seconds: int = 3600,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if max_page_size < 1:
            raise ValueError("max_page_size must be at least 1")
        self.queries, self.granted = read_plugin(Path(plugin_zip))
        self.client_id, self.client_secret = client_id, client_secret
        self.max_page_size, self.token_seconds = max_page_size, token_seconds
        self.faults: list[Fault] = []
        self.requests: list[RequestLog] = []
        self._tokens: dict[str, float] = {}  # token -> monotonic expiry
        self._lock = threading.Lock()
        self.serve(records)
        self._address = (host, port)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def serve(self, records: Mapping[str, Iterable[Mapping[str, Any]]]) -> None:
        """Serve other records from now on (the next night of a running server). Each record
        is encoded as JSON here, once: a page without arguments is then a join of them, as
        a real server reads a page it has (encoding every page in Python made the emulator
        the slowest part of the night at 100x, 1.35 million records)."""
        ordered = {name: _ordered(q, records.get(name, ())) for name, q in self.queries.items()}
        encoded = {
            name: [
                json.dumps(self._shape(self.queries[name], row, n), ensure_ascii=False)
                for n, row in enumerate(rows, start=1)
            ]
            for name, rows in ordered.items()
        }
        with self._lock:
            self._records, self._encoded = ordered, encoded

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> PowerSchoolEmulator:
        if self._server is not None:
            return self
        emulator = self

        class Handler(_Handler):
            emu = emulator

        self._server = ThreadingHTTPServer(self._address, Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="powerschool-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> PowerSchoolEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not started")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the emulator is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # ------------------------------------------------------------------ tokens and faults

    def expire_tokens(self) -> None:
        """Every token issued so far is expired from now on."""
        with self._lock:
            self._tokens = dict.fromkeys(self._tokens, 0.0)

    def issue_token(self) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_seconds
        return token

    def _token_valid(self, token: str) -> bool:
        with self._lock:
            expiry = self._tokens.get(token)
        return expiry is not None and time.monotonic() < expiry

    def _expire(self, token: str) -> None:
        with self._lock:
            if token in self._tokens:
                self._tokens[token] = 0.0

    def _take_fault(self, target: str, page: int | None, count: bool) -> Fault | None:
        """The first fault matching this request, consumed once."""
        with self._lock:
            for fault in self.faults:
                if fault.kind == "count_mismatch" and not count:
                    continue
                if fault.query is not None and fault.query != target:
                    continue
                if fault.page is not None and (count or page != fault.page):
                    continue
                if fault.query is None and target in ("metadata", "oauth"):
                    continue
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def _log(self, entry: RequestLog) -> None:
        with self._lock:
            self.requests.append(entry)

    # ------------------------------------------------------------------ answers

    def check_credentials(self, authorization: str, body: bytes) -> dict:
        scheme, _, encoded = authorization.partition(" ")
        try:
            given = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            given = None
        grant = parse_qs(body.decode("utf-8", "replace")).get("grant_type", [""])
        if (
            scheme.lower() != "basic"
            or given != f"{self.client_id}:{self.client_secret}"
            or grant != ["client_credentials"]
        ):
            raise _Reply(401, {"error": "invalid_client"}, {"WWW-Authenticate": "Basic"})
        return {
            "access_token": self.issue_token(),
            "token_type": "Bearer",
            "expires_in": str(self.token_seconds),
        }

    def metadata(self) -> dict:
        return {
            "metadata": {
                "schema_table_query_max_page_size": self.max_page_size,
                "powerschool_version": "25.1.0.0 (emulated)",
                "plugin_name": "Pathways SIS",
                "plugin_queries": len(self.queries),
            }
        }

    def _query(self, name: str) -> ServedQuery:
        query = self.queries.get(name)
        if query is None:
            raise _Reply(404, {"message": f"no PowerQuery named {name!r} in the plugin"})
        missing = sorted(query.fields_read - self.granted)
        if missing:
            raise _Reply(
                403,
                {"message": f"{name}: the plugin's access_request does not grant {missing}"},
            )
        return query

    def _filtered(self, query: ServedQuery, body: bytes) -> list[dict[str, str]]:
        rows = self._records[query.name]
        for column, wanted in self._arguments(query, body).items():
            rows = [r for r in rows if r.get(column, "") == wanted]
        return rows

    def _arguments(self, query: ServedQuery, body: bytes) -> dict[str, str]:
        """The body's arguments, checked: column -> the value its rows must hold."""
        try:
            args = json.loads(body.decode("utf-8") or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise _Reply(400, {"message": "the body is not JSON"}) from None
        if not isinstance(args, dict):
            raise _Reply(400, {"message": "the body must be a JSON object of arguments"})
        unknown = sorted(set(args) - set(query.args))
        if unknown:
            raise _Reply(400, {"message": f"{query.name}: unknown arguments {unknown}"})
        missing = sorted(
            n for n, (_, required) in query.args.items() if required and args.get(n) is None
        )
        if missing:
            raise _Reply(400, {"message": f"{query.name}: missing required arguments {missing}"})
        filters = {}
        for name, value in args.items():
            if value is None:
                continue
            if isinstance(value, (dict, list)):
                raise _Reply(400, {"message": f"{query.name}: argument {name!r} is not a value"})
            column = query.args[name][0]
            filters[column] = str(value).lower() if isinstance(value, bool) else str(value)
        return filters

    def _shape(self, query: ServedQuery, row: Mapping[str, str], number: int) -> dict:
        if query.flattened:
            return {alias: row.get(field, "") for field, alias in query.columns}
        tables: dict[str, dict[str, str]] = {}
        for field, _alias in query.columns:
            table, name = field.lower().split(".")
            tables.setdefault(table, {})[name] = row.get(field, "")
        return {"id": number, "name": query.from_table.lower(), "tables": tables}

    def page(self, query: ServedQuery, body: bytes, page: int, pagesize: int) -> dict | bytes:
        """The page's answer; without arguments already encoded (the records encoded by
        serve(), the same bytes as encoding the answer)."""
        size = min(pagesize, self.max_page_size)
        start = (page - 1) * size
        if not self._arguments(query, body):
            chunk = self._encoded[query.name][start : start + size]
            name = json.dumps(query.name, ensure_ascii=False)
            if not chunk:
                return ("{" + f'"name": {name}' + "}").encode("utf-8")
            return ("{" + f'"name": {name}, "record": [' + ", ".join(chunk) + "]}").encode()
        rows = self._filtered(query, body)[start : start + size]
        answer: dict[str, Any] = {"name": query.name}
        if rows:
            answer["record"] = [
                self._shape(query, row, start + n) for n, row in enumerate(rows, start=1)
            ]
        return answer

    def count(self, query: ServedQuery, body: bytes, delta: int = 0) -> dict:
        return {"count": len(self._filtered(query, body)) + delta}


def _positive(params: Mapping[str, list[str]], name: str, default: int) -> int:
    values = params.get(name)
    if not values:
        return default
    try:
        value = int(values[-1])
    except ValueError:
        value = 0
    if value < 1:
        raise _Reply(400, {"message": f"{name} must be a positive integer"})
    return value


class _Handler(BaseHTTPRequestHandler):
    emu: PowerSchoolEmulator
    protocol_version = "HTTP/1.1"
    server_version = "PowerSchoolEmulator/1.0"
    # TCP_NODELAY: the headers and the body go out in two writes; with Nagle's algorithm the
    # body waited for the client's delayed ACK, ~40 ms a page (measured: 150 pages of the
    # demo took 7.5 s, almost all of it in recv)
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silent: emu.requests is the log (no record content, no token)."""

    def do_GET(self) -> None:  # noqa: N802
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._handle("PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle("DELETE")

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        path = url.path
        params = parse_qs(url.query)
        body = self._body()
        page: int | None = None
        fault: Fault | None = None
        try:
            target, count, name = self._route(method, path)
            if target == "query" and not count:
                page = _positive(params, "page", 1)
            fault = self.emu._take_fault(name or target, page, count)
            self._before(fault)
            if target == "oauth":
                answer = self.emu.check_credentials(self.headers.get("Authorization", ""), body)
            else:
                self._authorize(fault)
                if target == "metadata":
                    answer = self.emu.metadata()
                else:
                    query = self.emu._query(name)
                    if count:
                        delta = fault.delta if fault and fault.kind == "count_mismatch" else 0
                        answer = self.emu.count(query, body, delta)
                    else:
                        pagesize = _positive(params, "pagesize", self.emu.max_page_size)
                        answer = self.emu.page(query, body, page or 1, pagesize)
            status, headers = 200, {}
        except _Reply as reply:
            status, answer, headers = reply.status, reply.body, reply.headers
        kind = fault.kind if fault else None
        # Logged before the answer goes out: a client that reads emu.requests right after
        # its response must find this request there.
        self.emu._log(RequestLog(method, path, page, status, kind))
        try:
            if fault and fault.kind == "drop":
                self._send(status, answer, headers, drop=True)
            else:
                self._send(status, answer, headers)
        except OSError:
            self.close_connection = True  # the client went away (a stalled answer timed out)

    def _route(self, method: str, path: str) -> tuple[str, bool, str]:
        """(target, count?, query name); 404/405 for anything else."""
        if path == "/oauth/access_token":
            target, name, count = "oauth", "", False
        elif path == "/ws/v1/metadata":
            target, name, count = "metadata", "", False
        elif path.startswith(QUERY_PREFIX) and len(path) > len(QUERY_PREFIX):
            rest = path[len(QUERY_PREFIX) :]
            count = rest.endswith("/count")
            name = rest[: -len("/count")] if count else rest
            target = "query"
            if not name or "/" in name:
                raise _Reply(404, {"message": "unknown path"})
        else:
            raise _Reply(404, {"message": "unknown path"})
        wanted = "GET" if target == "metadata" else "POST"
        if method != wanted:
            raise _Reply(405, {"message": f"use {wanted}"}, {"Allow": wanted})
        return target, count, name

    def _before(self, fault: Fault | None) -> None:
        if fault is None:
            return
        if fault.kind == "rate_limit":
            retry = str(max(0, math.ceil(fault.seconds)))
            raise _Reply(429, {"message": "too many requests"}, {"Retry-After": retry})
        if fault.kind == "unavailable":
            raise _Reply(503, {"message": "service unavailable"})
        if fault.kind == "stall":
            time.sleep(fault.seconds)

    def _authorize(self, fault: Fault | None) -> None:
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() == "bearer" and token and fault and fault.kind == "expire_token":
            self.emu._expire(token)
        if scheme.lower() != "bearer" or not self.emu._token_valid(token):
            raise _Reply(
                401,
                {"message": "invalid or expired access token"},
                {"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )

    def _send(
        self, status: int, answer: dict | bytes, headers: Mapping[str, str], drop: bool = False
    ) -> None:
        data = answer if isinstance(answer, bytes) else json.dumps(answer, ensure_ascii=False)
        data = data if isinstance(data, bytes) else data.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if not drop:
            self.wfile.write(data)
            return
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
