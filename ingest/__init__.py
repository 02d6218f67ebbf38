"""Pathways SIS integration: nightly ingest of district SIS exports into DuckDB (dlt)."""
