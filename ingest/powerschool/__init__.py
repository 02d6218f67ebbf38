"""PowerSchool through its API: the PowerQuery declarations, the plugin and the dlt source.

`powerschool(...)` is a dlt source with one resource per PowerQuery declared in
`_powerschool__sources.yml` (`queries.load_queries()`): no per-query code. Each resource
reads `/count`, then every page (helpers.PowerSchoolClient), checks that the records
received are as many as `/count` said, and yields Arrow tables of text columns (the
declared aliases) with the lineage columns, for dlt's parquet path (the source on its own,
in any dlt pipeline).

Settings (`.dlt/config.toml`, section `[sources.powerschool]`, or the environment as
`SOURCES__POWERSCHOOL__<NAME>`): request_timeout, max_attempts, backoff_factor,
max_retry_delay, dataset_seconds, page_size. The client secret is a secret
(`.dlt/secrets.toml` or the environment), never a registry value.

The nightly ingest (ingest/api_pipeline.py) uses the same client but not dlt's pipeline: it
fetches each dataset whole, judges it, then inserts the records (QueryResult.arrow_table)
straight into the raw table with DuckDB, in one transaction with the manifest, so a dataset
that fails is left out of the night alone and a killed night leaves nothing half-loaded.
"""

# The dlt source lives in `source.py` and is imported on first use: importing dlt takes
# ~0.6 s, and the file path imports this package only for the PowerQuery declarations
# (`queries`), which the warehouse needs to create every raw table.
_SOURCE_NAMES = (
    "CONFIG_SECTION",
    "client_settings",
    "count_mismatch",
    "powerschool",
    "query_resource",
)


def __getattr__(name: str):
    if name in _SOURCE_NAMES:
        from ingest.powerschool import source

        return getattr(source, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
