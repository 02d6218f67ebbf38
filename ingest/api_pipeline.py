"""One district's night through the PowerSchool API (transfer method `powerschool_api`).

The same bookkeeping as files (ingest/pipeline.py): one `pathways_meta.file_manifest` row per
dataset per night, raw rows in `raw_powerschool.<dataset>` with the lineage columns, so
`latest_good_rows` and `stg_pathways__latest_good_files` read them unchanged.

Per dataset (one declared PowerQuery): `/count`, every page, then the judgement, before
anything loads:
- a request that failed after its retries, or records received ≠ `/count` → `rejected`:
  nothing of it is loaded, yesterday's data stays, the other datasets go on;
- the same records as the latest good load → `duplicate`;
- a row count that fell more than the guard allows → loaded but `held` (ingest/guards.py);
- else `loaded`.
A district whose server cannot be reached, or which refuses the credentials, fails as a
whole (TransferError, like an SFTP server that is down); the night goes on with the others.

The night's good datasets are inserted by DuckDB straight from their Arrow records
(QueryResult.arrow_table -> warehouse.insert_rows, the lineage columns added there, one load
id of dlt's format for the night: warehouse.new_load_id), in ONE transaction with the manifest
and the purge, under warehouse.connect: a failed insert rejects every dataset of the night
(yesterday's data stays), and a night killed half-way commits nothing. No dlt pipeline, no
load package, no second copy of the rows on disk.

The manifest's "file" of a dataset: file_name = the query and page range
(`com.pathways.sis.students pages 1-3`), file_sha256 = sha256 of the received records in a
canonical JSON form (helpers.QueryResult), data_lines = `/count`, rows_loaded = records.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest import warehouse
from ingest.guards import Guards, guards_for
from ingest.pipeline import DistrictNight, FileOutcome
from ingest.powerschool import client_settings, count_mismatch
from ingest.powerschool.helpers import (
    PowerSchoolAuthError,
    PowerSchoolClient,
    PowerSchoolError,
    QueryResult,
)
from ingest.powerschool.queries import PowerQuery, load_queries
from ingest.privacy import describe_error
from ingest.registry import District
from ingest.transfer import TransferError, transfer_setting
from ingest.warehouse import GoodFile

STAYS = "nothing of it was loaded and yesterday's data stays"
IF_IT_REPEATS = "if it repeats, ask the district's PowerSchool administrator to check"


def _setting_name(district: District, key: str) -> str:
    return f"DISTRICTS__{district.id.upper()}__TRANSFER__{key.upper()}"


def open_client(district: District) -> PowerSchoolClient:
    """The district's client: base_url and client_id from the registry (or their override),
    the client secret from the environment or .dlt/secrets.toml."""
    values = {}
    for key in ("base_url", "client_id", "client_secret"):
        value = transfer_setting(district, key)
        if not value:
            where = "" if key == "client_secret" else " (districts.yml transfer) or"
            raise TransferError(
                f"district {district.id}: no PowerSchool {key}: set it in{where} "
                f"{_setting_name(district, key)} (environment or .dlt/secrets.toml); nothing "
                "of this district was read and yesterday's data stays"
            )
        values[key] = str(value)
    return PowerSchoolClient(
        values["base_url"], values["client_id"], values["client_secret"], client_settings()
    )


def ingest_api_district(
    district: District,
    *,
    db_path: Path,
    keep_loads: int,
    run_id: str | None = None,
    queries: dict[str, PowerQuery] | None = None,
) -> DistrictNight:
    queries = queries if queries is not None else load_queries()
    guards = guards_for(district)
    received_at = datetime.now(UTC)
    night = DistrictNight(district)
    with warehouse.connect(db_path) as con:
        warehouse.prepare(con, queries.values())  # the raw tables this path loads and purges
        latest = {
            q.dataset: warehouse.latest_loaded(con, district.id, q.dataset, q.sis)
            for q in queries.values()
        }
    client = open_client(district)
    try:
        try:
            client.connect()
        except PowerSchoolError as err:
            raise TransferError(_district_failure(district, client, err)) from None
        results: dict[str, QueryResult] = {}
        for query in queries.values():
            outcome, result = _fetch(district, client, query, received_at, run_id)
            if result is not None and outcome.status == "pending":
                _judge_content(outcome, result, latest[query.dataset])
                results[query.dataset] = result
            night.files.append(outcome)
    finally:
        client.close()

    to_load = [o for o in night.files if o.status == "pending"]
    with warehouse.connect(db_path) as con:
        # the rows, the manifest and the purge commit together: a failure anywhere, or a
        # killed night, leaves yesterday's data as it was and nothing half-loaded
        con.execute("begin")
        failure = None
        if to_load:
            try:
                night.load_id = _load(con, district, [results[o.decl.dataset] for o in to_load])
            except Exception as err:  # the warehouse refused the rows: none of tonight's
                con.execute("rollback")
                con.execute("begin")
                failure = describe_error(err)
        for outcome in to_load:
            if failure:
                outcome.entry.update(
                    status="rejected",
                    rows_loaded=0,
                    reason=f"district {district.id}, dataset {outcome.decl.dataset}: the load "
                    f"into the warehouse failed ({failure}); yesterday's data stays; it is read "
                    "again on the next run",
                )
            else:
                _judge_rows(outcome, night.load_id, guards, latest[outcome.decl.dataset])
        warehouse.record_files(con, [o.entry for o in night.files], [])
        for query in queries.values():
            warehouse.purge_old_loads(con, query, district.id, keep_loads)
        con.execute("commit")
    return night


def _district_failure(district: District, client: PowerSchoolClient, err: Exception) -> str:
    if isinstance(err, PowerSchoolAuthError):
        fix = (
            "check the client id in districts.yml and the secret in "
            f"{_setting_name(district, 'client_secret')}, and that the district's Pathways "
            "plugin is enabled"
        )
    else:
        fix = "the server is down or unreachable; it is read again on the next run"
    return (
        f"district {district.id}: PowerSchool at {client.base_url}: {err}; nothing of this "
        f"district was read and yesterday's data stays; {fix}"
    )


def _entry(district: District, query: PowerQuery, received_at: datetime, **values) -> dict:
    entry = dict.fromkeys(warehouse.MANIFEST_COLUMNS)
    entry.update(
        district_id=district.id,
        sis=query.sis,
        dataset=query.dataset,
        received_at=received_at,
        encoding="utf-8",
    )
    entry.update(values)
    return entry


def _fetch(
    district: District,
    client: PowerSchoolClient,
    query: PowerQuery,
    received_at: datetime,
    run_id: str | None,
) -> tuple[FileOutcome, QueryResult | None]:
    """Read the dataset whole. A failure rejects this dataset only."""
    where = f"district {district.id}, dataset {query.dataset}"
    result: QueryResult | None = None
    try:
        result = client.fetch(query)
        problem = count_mismatch(result)
    except PowerSchoolError as err:
        result = getattr(err, "result", None)
        problem = f"{err}"
        if "plugin" not in problem:  # else the fix is the plugin's, not time's
            problem += f"; it is read again on the next run ({IF_IT_REPEATS} its server's load)"
        result_ok = False
    except Exception as err:  # a bug or a library surprise: this dataset only
        problem = (
            f"{query.name}: the read failed ({describe_error(err)}); report this to the "
            "Pathways team"
        )
        result_ok = False
    else:
        result_ok = problem is None
        if problem:
            problem = (
                f"{query.name}: {problem}; it is read again on the next run ({IF_IT_REPEATS} "
                "whether the data changes while Pathways reads it, and that the installed "
                "plugin is the current one)"
            )
    entry = _entry(
        district,
        query,
        received_at,
        run_id=run_id,
        remote_path=client.base_url + f"ws/schema/query/{query.name}",
        file_name=result.label if result is not None else query.name,
        file_modified_at=datetime.now(UTC),  # when the records were read: orders the loads
        data_lines=result.count if result is not None else None,
    )
    if result is not None:
        entry.update(file_sha256=result.sha256, size_bytes=result.size_bytes)
    outcome = FileOutcome(entry, query)
    if not result_ok:
        entry.update(status="rejected", rows_loaded=0, reason=f"{where}: {problem}; {STAYS}")
        return outcome, None
    entry.update(status="pending")
    return outcome, result


def _judge_content(outcome: FileOutcome, result: QueryResult, latest: GoodFile | None) -> None:
    if latest is not None and latest.file_sha256 == result.sha256:
        outcome.entry.update(
            status="duplicate",
            rows_loaded=0,
            reason=f"the same records as {latest.file_name}, the latest good load; nothing loaded",
        )


def _load(
    con: duckdb.DuckDBPyConnection, district: District, results: list[QueryResult]
) -> str | None:
    """Insert the district's good datasets (their records as Arrow, straight into
    `raw_powerschool.<dataset>` by DuckDB) in the caller's transaction, under one load id.
    Returns it, or None when no result had a record (nothing reached the warehouse)."""
    results = [r for r in results if r.rows]
    if not results:
        return None
    load_id = warehouse.new_load_id()
    loaded_at = datetime.now(UTC)
    for result in results:
        warehouse.insert_rows(
            con,
            result.query,
            result.arrow_table(),
            row_number="_row_number",
            district_id=district.id,
            source_file=result.label,
            sha256=result.sha256,
            loaded_at=loaded_at,
            load_id=load_id,
        )
    return load_id


def _judge_rows(
    outcome: FileOutcome, load_id: str | None, guards: Guards, latest: GoodFile | None
) -> None:
    """After the load: the row-drop guard of ingest/guards.py."""
    entry = outcome.entry
    rows = entry["data_lines"] or 0
    entry.update(load_id=load_id, rows_loaded=rows, rows_unparseable=0, status="loaded")
    limit = guards.row_drop_limit(entry["dataset"])
    if latest and latest.rows and rows < (1 - limit) * latest.rows:
        drop = 1 - rows / latest.rows
        entry.update(
            status="held",
            reason=(
                f"district {entry['district_id']}, dataset {entry['dataset']}: row count fell "
                f"from {latest.rows} ({latest.file_name}) to {rows}, a drop of {drop:.0%}, more "
                f"than the {limit:.0%} allowed: held back as a possible partial result, "
                "yesterday's data stays. If the drop is real: pathways release --district "
                f"{entry['district_id']} --file '{entry['file_name']}'"
            ),
        )
