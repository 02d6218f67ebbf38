"""The PowerSchool dlt source and its helpers (re-exported by the package, lazily)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import fields
from datetime import UTC, datetime

import dlt
from dlt.sources import DltResource

from ingest.powerschool import settings
from ingest.powerschool.helpers import (
    ClientSettings,
    PowerSchoolClient,
    PowerSchoolError,
    QueryResult,
)
from ingest.powerschool.queries import PowerQuery, load_queries

CONFIG_SECTION = "sources.powerschool"


def client_settings(**overrides) -> ClientSettings:
    """The client's tunable settings: the overrides given, else `[sources.powerschool]` of
    .dlt/config.toml or the environment, else the defaults of settings.py."""
    values = {}
    for spec in fields(ClientSettings):
        value = overrides.get(spec.name)
        if value is None:
            value = dlt.config.get(f"{CONFIG_SECTION}.{spec.name}")
        if value is not None:
            kind = int if spec.name in ("max_attempts", "page_size") else float
            values[spec.name] = kind(value)
    return ClientSettings(**values)


def count_mismatch(result: QueryResult) -> str | None:
    """Why a result is incomplete (records received ≠ /count), or None."""
    if result.complete:
        return None
    return (
        f"{result.rows} records received in {result.pages} pages but /count said {result.count}"
        " (the data changed while it was read, or the server's paging skips or repeats rows)"
    )


def query_resource(
    client: PowerSchoolClient,
    query: PowerQuery,
    district_id: str,
    loaded_at: datetime | None = None,
) -> DltResource:
    """A resource that reads one PowerQuery whole, checks it against /count, then yields it."""

    def rows() -> Iterator:
        result = client.fetch(query)
        problem = count_mismatch(result)
        if problem:
            raise PowerSchoolError(f"{query.name}: {problem}")
        lineage = {"_district_id": district_id, "_loaded_at": loaded_at or datetime.now(UTC)}
        yield from result.arrow_tables(lineage)

    return dlt.resource(
        rows, name=query.dataset, table_name=query.dataset, write_disposition="append"
    )


@dlt.source(name="powerschool", max_table_nesting=0)
def powerschool(
    base_url: str = dlt.config.value,
    client_id: str = dlt.config.value,
    client_secret: str = dlt.secrets.value,
    district_id: str = "",
    datasets: Sequence[str] | None = None,
    page_size: int | None = None,
    request_timeout: float = settings.REQUEST_TIMEOUT,
    max_attempts: int = settings.MAX_ATTEMPTS,
    backoff_factor: float = settings.BACKOFF_FACTOR,
    max_retry_delay: float = settings.MAX_RETRY_DELAY,
    dataset_seconds: float = settings.DATASET_SECONDS,
) -> Iterator[DltResource]:
    """One resource per declared PowerQuery (or those of `datasets`), into the dataset's raw
    table (`raw_powerschool.<dataset>` when the pipeline's dataset is `raw_powerschool`).

    A resource whose records differ in number from `/count`, or whose requests fail after
    their retries, raises PowerSchoolError."""
    client = PowerSchoolClient(
        base_url,
        client_id,
        client_secret,
        ClientSettings(
            request_timeout=float(request_timeout),
            max_attempts=int(max_attempts),
            backoff_factor=float(backoff_factor),
            max_retry_delay=float(max_retry_delay),
            dataset_seconds=float(dataset_seconds),
            page_size=int(page_size) if page_size else None,
        ),
    )
    loaded_at = datetime.now(UTC)
    for query in load_queries().values():
        if datasets is None or query.dataset in datasets:
            yield query_resource(client, query, district_id, loaded_at)


__all__ = [
    "ClientSettings",
    "PowerSchoolClient",
    "PowerSchoolError",
    "QueryResult",
    "client_settings",
    "count_mismatch",
    "powerschool",
    "query_resource",
]
