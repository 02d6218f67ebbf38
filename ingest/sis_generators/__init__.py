"""Synthetic data builders, one module per SIS (`build` returns an ingest.generator.SisNight).
Skyward SMS's builder lives in ingest/generator.py with the shared population helpers."""
