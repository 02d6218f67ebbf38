"""The PowerSchool API client, on dlt's REST client (SIS_LAYOUTS.md, PowerSchool).

- `PowerSchoolAuth` extends dlt's `OAuth2ClientCredentials`: the client credentials go in an
  HTTP Basic header (PowerSchool's rule; the stock class puts them in the form body),
  `expires_in` arrives as a string, and a 401 on any request (a token the server expired
  before its time) gets a new token and the same request sent once more.
- Retries: dlt's retrying `requests` client (`dlt.sources.helpers.requests.Client`) retries
  429 (honouring `Retry-After`), 5xx, timeouts and dropped connections with exponential
  backoff; its stop rule is narrowed to a deadline, so one dataset (its `/count` and every
  page) ends within `dataset_seconds` whatever the server does.
- Paging: `POST /ws/schema/query/<name>/count` first, then dlt's `PageNumberPaginator`
  (1-based `page`, `pagesize` = the metadata's maximum, JSON body `{}`) until the first empty
  page. A page whose body cannot be read as JSON (a connection cut without an error) is asked
  again from that page on, within the same deadline.

Records map to the raw columns (the declared aliases), nested (`tables.<table>.<field>`) or
flattened, every value as text. Nothing here logs or quotes a field value.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import orjson
import pyarrow as pa
from dlt.common.jsonpath import compile_path
from dlt.sources.helpers.requests import Client
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import OAuth2ClientCredentials
from dlt.sources.helpers.rest_client.client import raise_for_status
from dlt.sources.helpers.rest_client.paginators import PageNumberPaginator
from requests import PreparedRequest, RequestException, Response
from requests.exceptions import HTTPError
from tenacity import RetryCallState, stop_after_attempt

from ingest.powerschool import settings
from ingest.powerschool.queries import PowerQuery

ROW_GROUP = 122_880  # DuckDB's row group: parquet row groups of this size load fastest


class PowerSchoolError(RuntimeError):
    """A request that failed after its retries, or an answer outside the contract."""


class PowerSchoolAuthError(PowerSchoolError):
    """The server refused the client credentials (or gave no token)."""


@dataclass(frozen=True)
class ClientSettings:
    request_timeout: float = settings.REQUEST_TIMEOUT
    max_attempts: int = settings.MAX_ATTEMPTS
    backoff_factor: float = settings.BACKOFF_FACTOR
    max_retry_delay: float = settings.MAX_RETRY_DELAY
    dataset_seconds: float = settings.DATASET_SECONDS
    page_size: int | None = None  # None: the metadata's maximum (a smaller one is kept)


class Deadline:
    """The time one dataset may take; tenacity's stop rule and our own checks read it."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.ends = float("inf")

    def start(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.ends

    def stop(self, retry_state: RetryCallState) -> bool:
        """Give up when the next wait would end past the deadline."""
        return time.monotonic() + (retry_state.upcoming_sleep or 0) >= self.ends


class PowerSchoolAuth(OAuth2ClientCredentials):
    """OAuth2 client credentials as PowerSchool wants them, with re-authentication on 401."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.tokens_obtained = 0
        self.reauthentications = 0

    def build_access_token_request(self) -> dict[str, Any]:
        pair = f"{self.client_id}:{self.client_secret}".encode()
        return {
            "headers": {
                "Authorization": "Basic " + base64.b64encode(pair).decode("ascii"),
                "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
            },
            "data": {"grant_type": "client_credentials", **self.access_token_request_data},
        }

    def parse_expiration_in_seconds(self, response_json: Any) -> int:
        """`expires_in` is a string of seconds; renew a little before it lapses."""
        raw = response_json.get("expires_in", self.default_token_expiration)
        try:
            seconds = float(str(raw).strip())
        except ValueError:
            seconds = float(self.default_token_expiration)
        renewed = int(seconds - min(settings.TOKEN_EXPIRY_MARGIN, seconds / 10))
        return max(renewed, 1 if seconds >= 1 else 0)

    def obtain_token(self) -> None:
        try:
            super().obtain_token()
        except HTTPError as err:
            status = err.response.status_code if err.response is not None else 0
            refused = PowerSchoolAuthError if status in (400, 401, 403) else PowerSchoolError
            raise refused(
                f"the token request ({self.access_token_url}) was refused with HTTP {status}"
            ) from None
        except RequestException as err:  # after dlt's retries: the server is not there
            raise PowerSchoolError(
                f"the token request ({self.access_token_url}) failed ({type(err).__name__})"
            ) from None
        except ValueError:  # no JSON
            raise PowerSchoolAuthError(
                f"the token request ({self.access_token_url}) gave no readable token"
            ) from None
        if not self.access_token or str(self.access_token) == "None":
            raise PowerSchoolAuthError(
                f"the token request ({self.access_token_url}) gave no access_token"
            )
        self.tokens_obtained += 1

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        request = super().__call__(request)
        # runs before dlt's raise-for-status hook (auth hooks are registered first)
        request.register_hook("response", self._reauthenticate_on_401)
        return request

    def _reauthenticate_on_401(self, response: Response, **send_kwargs: Any) -> Response:
        """A token the server no longer accepts: a new one, and the request once more."""
        sent = response.request
        if response.status_code != 401 or getattr(sent, "_pathways_reauthenticated", False):
            return response
        if sent.headers.get("Authorization") == f"Bearer {self.access_token}":
            self.obtain_token()  # else another request renewed it already
        self.reauthentications += 1
        response.close()
        again = sent.copy()
        bearer = f"Bearer {self.access_token}"
        again.headers["Authorization"] = bearer
        sent.headers["Authorization"] = bearer  # a retry of the original (429 next) uses it too
        again._pathways_reauthenticated = True
        answer = response.connection.send(again, **send_kwargs)
        answer.history.append(response)
        answer.request = again
        return answer


@dataclass
class QueryResult:
    """Every record of one PowerQuery, as raw text columns, with what the server said."""

    query: PowerQuery
    count: int | None = None  # what /count said
    pages: int = 0  # pages that held records
    rows: int = 0
    size_bytes: int = 0  # of the canonical JSON the sha256 is taken over
    tables: list[pa.Table] = field(default_factory=list)
    _hash: Any = field(default_factory=hashlib.sha256, repr=False)

    @property
    def label(self) -> str:
        """The manifest's file name: the query and the page range received."""
        pages = f"pages 1-{self.pages}" if self.pages else "no records"
        return f"{self.query.name} {pages}"

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    @property
    def complete(self) -> bool:
        return self.count is not None and self.rows == self.count

    def add_page(self, records: list[dict]) -> None:
        """Map a page's records to the raw columns and hash them canonically: each record as
        a JSON array of its raw column values in declared order (text or null, no spaces,
        UTF-8), each followed by a comma — the same bytes however the records were paged."""
        columns = page_columns(self.query, records)
        if records:
            rows = list(zip(*columns.values(), strict=True))
            # the bytes of json.dumps(rows, separators=(",", ":"), ensure_ascii=False) in
            # UTF-8 (tests/unit/test_api_records.py), ~20x faster
            data = orjson.dumps(rows)[1:-1] + b","
            self._hash.update(data)
            self.size_bytes += len(data)
        self.tables.append(pa.table({c: pa.array(v, pa.string()) for c, v in columns.items()}))
        self.pages += 1
        self.rows += len(records)

    def arrow_table(self) -> pa.Table:
        """Every record as one Arrow table (the pages' tables, not copied): the raw columns
        in declared order, then `_row_number`, the record's position in the result
        (1-based). The nightly ingest inserts it as is (warehouse.insert_rows adds the other
        lineage columns)."""
        whole = pa.concat_tables(self.tables) if self.tables else _empty(self.query)
        numbers = pa.array(range(1, whole.num_rows + 1), pa.int64())
        return whole.append_column("_row_number", numbers)

    def arrow_tables(self, lineage: dict[str, Any]) -> Iterator[pa.Table]:
        """arrow_table() in DuckDB row groups with every lineage column but the load id, for
        the dlt source (source.py). `lineage` holds `_district_id` and `_loaded_at`;
        `_source_file` and `_file_sha256` are the result's own."""
        if not self.rows:
            return
        whole = self.arrow_table()
        loaded_at = pa.scalar(lineage["_loaded_at"], pa.timestamp("us", tz="UTC"))
        constants = {
            "_district_id": lineage["_district_id"],
            "_source_file": self.label,
            "_file_sha256": self.sha256,
        }
        for start in range(0, self.rows, ROW_GROUP):
            part = whole.slice(start, ROW_GROUP)
            numbers = part.column("_row_number")
            part = part.drop_columns(["_row_number"])
            n = part.num_rows
            for name, value in constants.items():
                part = part.append_column(name, pa.repeat(pa.scalar(value, pa.string()), n))
            part = part.append_column("_row_number", numbers)
            yield part.append_column("_loaded_at", pa.repeat(loaded_at, n))


def _empty(query: PowerQuery) -> pa.Table:
    return pa.table({c: pa.array([], pa.string()) for c in query.raw_columns})


def _text(value: Any) -> str | None:
    if value is None or type(value) is str:  # the contract: values are strings
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def page_columns(query: PowerQuery, records: list) -> dict[str, list[str | None]]:
    """A page's records as raw column -> values (text or None), in declared order.

    The contract's shape (every record a JSON object, every declared value a string) is read
    column by column with itemgetter (0.3 s for 200,000 records, against 0.5 s with
    comprehensions); anything else (a missing table or field, a number, upper-case keys)
    takes the careful path of record_row."""
    try:
        if query.flattened:
            columns = {a: list(map(itemgetter(a), records)) for a in query.raw_columns}
        else:
            tables = list(map(itemgetter("tables"), records))
            by_table: dict[str, list] = {}  # each record's table, looked up once per table
            columns = {}
            for c in query.columns:
                table, name = c.nested_key
                if table not in by_table:
                    by_table[table] = list(map(itemgetter(table), tables))
                columns[c.alias] = list(map(itemgetter(name), by_table[table]))
        if all(set(map(type, values)) <= {str} for values in columns.values()):
            return columns
    except (KeyError, TypeError):
        pass
    rows = [record_row(query, r) for r in records]
    return {a: [row[a] for row in rows] for a in query.raw_columns}


def record_row(query: PowerQuery, record: dict) -> dict[str, str | None]:
    """One record as raw column -> text. Flattened records carry the aliases; nested ones
    carry `tables.<table>.<field>` (lower case). A column the record lacks is NULL."""
    if not isinstance(record, dict):
        raise PowerSchoolError(f"{query.name}: a record is not a JSON object")
    if query.flattened:
        get = record.get
        return {alias: _text(get(alias)) for alias in query.raw_columns}
    tables = record.get("tables")
    tables = tables if isinstance(tables, dict) else {}
    row = {}
    for column in query.columns:
        table, name = column.nested_key
        values = tables.get(table)
        if values is None:  # some servers answer in upper case
            values = _lower_keys(tables).get(table)
        value = None
        if isinstance(values, dict):
            value = values.get(name)
            if value is None and name not in values:
                value = _lower_keys(values).get(name)
        row[column.alias] = _text(value)
    return row


def _decode_with_orjson(response: Response, *args: Any, **kwargs: Any) -> Response:
    """A response hook: its JSON decoded by orjson (installed with dlt), which reads a page of
    records in about half the time of the standard library's json that requests uses. What
    orjson refuses (a body cut short or not in UTF-8, an integer beyond 64 bits, NaN) goes
    to requests' own decoding, so those answers are read, or refused, as before."""

    def decode(**options: Any) -> Any:
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            return Response.json(response, **options)

    response.json = decode
    return response


# The hooks of every page request. dlt's paginate replaces the session's response hooks with
# its own raise-for-status when a request brings none (requests lets a request's hooks win
# over its session's), so the decoding is passed with each page request, next to the check.
PAGE_HOOKS = {"response": [raise_for_status, _decode_with_orjson]}


def _lower_keys(mapping: dict) -> dict:
    return {str(k).lower(): v for k, v in mapping.items()}


class PowerSchoolClient:
    """One district's PowerSchool: a token, the metadata, and PowerQueries page by page."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        config: ClientSettings | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.config = config or ClientSettings()
        self.deadline = Deadline()
        retrying = Client(
            request_timeout=self.config.request_timeout,
            raise_for_status=False,
            request_max_attempts=self.config.max_attempts,
            request_backoff_factor=self.config.backoff_factor,
            request_max_retry_delay=self.config.max_retry_delay,
            respect_retry_after_header=True,
        )
        session = retrying.session
        # dlt's retry stops after max_attempts; stop as well when the next wait would end
        # past the dataset's deadline
        session.send = session.send.retry_with(
            stop=stop_after_attempt(self.config.max_attempts) | self.deadline.stop
        )
        session.hooks["response"].append(_decode_with_orjson)  # the token, /count, metadata
        self.session = session
        self.auth = PowerSchoolAuth(
            access_token_url=self.base_url + settings.TOKEN_PATH,
            client_id=client_id,
            client_secret=client_secret,
            session=session,
        )
        self.rest = RESTClient(
            base_url=self.base_url,
            auth=self.auth,
            session=session,
            # compiled once: given as text, dlt parses the JSONPath again for every page
            # (a new parser each time, ~8 ms a page: 11 s of the demo district at 100x)
            data_selector=compile_path(settings.RECORDS_FIELD),
        )
        self._max_page_size: int | None = None

    # --- requests -------------------------------------------------------------------------

    def _json(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        """One request (with dlt's retries), its JSON answer, or a PowerSchoolError."""
        try:
            response = self.rest.request(path, method=method, **kwargs)
        except PowerSchoolError:
            raise
        except RequestException as err:
            raise PowerSchoolError(f"{what}: {_failure(err, self.deadline)}") from None
        if response.status_code >= 400:
            raise PowerSchoolError(f"{what}: {_status(response, self.deadline)}")
        try:
            return response.json()
        except ValueError:
            raise PowerSchoolError(f"{what}: the answer is not JSON") from None

    def connect(self) -> int:
        """A token, then the maximum page size from the metadata. Raises PowerSchoolError
        (PowerSchoolAuthError when the credentials are refused)."""
        self.deadline.start(self.config.dataset_seconds)
        if self.auth.access_token is None or self.auth.is_token_expired():
            self.auth.obtain_token()
        meta = self._json("GET", settings.METADATA_PATH, "reading the metadata")
        size = (meta.get("metadata") or {}) if isinstance(meta, dict) else {}
        size = size.get(settings.MAX_PAGE_SIZE_FIELD)
        try:
            maximum = int(size) if size is not None else settings.DEFAULT_PAGE_SIZE
        except (TypeError, ValueError):
            maximum = settings.DEFAULT_PAGE_SIZE
        wanted = self.config.page_size or maximum
        self._max_page_size = max(1, min(wanted, maximum))
        return self._max_page_size

    @property
    def page_size(self) -> int:
        return self._max_page_size or self.connect()

    def count(self, query: PowerQuery) -> int:
        path = settings.COUNT_PATH.format(name=query.name)
        answer = self._json("POST", path, f"{query.name}: /count", json={})
        try:
            return int(answer[settings.COUNT_FIELD])
        except (KeyError, TypeError, ValueError):
            raise PowerSchoolError(f"{query.name}: /count gave no count") from None

    def fetch(self, query: PowerQuery) -> QueryResult:
        """`/count`, then every page, into a QueryResult. Raises PowerSchoolError on a
        request that failed after its retries, or when the deadline passed; the partial
        result is on the error (`err.result`). Rows ≠ count is for the caller to judge."""
        result = QueryResult(query)
        page_size = self.page_size
        self.deadline.start(self.config.dataset_seconds)
        # Decoding makes a few dicts per record, and each of the garbage collector's full
        # passes walks every object the process holds (the modules of dlt, DuckDB, pyarrow):
        # as costly as the decoding itself. gc.freeze moves what exists now out of its way
        # (records hold no cycles to collect); measured 2.0-2.8 s against 3.0-3.4 s for
        # 200,000 records. Unfrozen after: the night process goes on (other datasets, dbt).
        gc.freeze()
        try:
            result.count = self.count(query)
            # A page is mapped and hashed while the next one downloads: the server builds a
            # page in the time it takes to map one. One worker keeps the pages in order.
            with ThreadPoolExecutor(max_workers=1) as mapper:
                mapping = None
                for records in self._pages(query, page_size, result.count):
                    if mapping is not None:
                        mapping.result()
                    mapping = mapper.submit(result.add_page, records)
                if mapping is not None:
                    mapping.result()
        except PowerSchoolError as err:
            err.result = result
            raise
        finally:
            gc.unfreeze()
        return result

    def _pages(self, query: PowerQuery, page_size: int, count: int | None) -> Iterator[list]:
        """Pages from 1 until the first empty one (or one past what /count allows). A body
        that cannot be read resumes paging at that page, within the deadline."""
        path = settings.QUERY_PATH.format(name=query.name)
        expected_pages = -(-(count or 0) // page_size)
        unreadable = 0
        received = 0  # pages that held records
        while True:
            page = settings.FIRST_PAGE + received
            paginator = PageNumberPaginator(
                base_page=settings.FIRST_PAGE,
                page=page,
                page_param=settings.PAGE_PARAM,
                total_path=None,
                # the empty page after the last, or one page more than /count allows
                maximum_page=max(expected_pages + 2, page + 1),
                stop_after_empty_page=True,
            )
            try:
                for data in self.rest.paginate(
                    path,
                    method="POST",
                    json={},
                    params={settings.PAGE_SIZE_PARAM: page_size},
                    paginator=paginator,
                    hooks=PAGE_HOOKS,
                ):
                    if not data:
                        return
                    yield list(data)
                    received += 1
                    page = settings.FIRST_PAGE + received
                    if self.deadline.passed:
                        raise PowerSchoolError(
                            f"{query.name}: not done by page {page}, when the "
                            f"{self.deadline.seconds:g} s allowed (dataset_seconds) ran out"
                        )
                return
            except PowerSchoolError:
                raise
            except HTTPError as err:
                where = f"{query.name}: page {settings.FIRST_PAGE + received}"
                raise PowerSchoolError(f"{where}: {_status(err.response, self.deadline)}") from None
            except ValueError:  # a body cut short without an error: ask for the page again
                unreadable += 1
                if unreadable >= self.config.max_attempts or self.deadline.passed:
                    raise PowerSchoolError(
                        f"{query.name}: page {settings.FIRST_PAGE + received}: the answer "
                        f"could not be read as JSON {unreadable} times"
                    ) from None
                left = max(self.deadline.ends - time.monotonic(), 0)
                time.sleep(min(self.config.backoff_factor, left))
            except RequestException as err:
                raise PowerSchoolError(
                    f"{query.name}: page {settings.FIRST_PAGE + received}: "
                    f"{_failure(err, self.deadline)}"
                ) from None

    def close(self) -> None:
        self.session.close()


def _status(response: Response | None, deadline: Deadline) -> str:
    if response is None:
        return "the request failed"
    code = response.status_code
    meaning = {
        400: "a bad argument (the plugin's query and ours disagree: reinstall the plugin)",
        401: "unauthorized even after a new token",
        403: "a field not granted (the installed plugin is older than this query: install "
        "the current plugin)",
        404: "unknown query (the Pathways plugin is not installed or not enabled)",
        429: "still rate limited",
        503: "still unavailable",
    }.get(code, "still failing" if code >= 500 else "refused")
    tail = _given_up(deadline) if code == 429 or code >= 500 else ""
    return f"HTTP {code}, {meaning}{tail}"


def _failure(err: Exception, deadline: Deadline) -> str:
    kind = type(err).__name__
    what = {
        "ReadTimeout": "no answer within the request timeout",
        "ConnectTimeout": "could not connect within the request timeout",
        "ConnectionError": "the connection failed or dropped",
        "ChunkedEncodingError": "the connection dropped in the middle of an answer",
    }.get(kind, f"the request failed ({kind})")
    return what + _given_up(deadline)


def _given_up(deadline: Deadline) -> str:
    left = deadline.ends - time.monotonic()
    if left <= 0:
        return f" when the {deadline.seconds:g} s allowed (dataset_seconds) ran out"
    return " after every retry (max_attempts)"
