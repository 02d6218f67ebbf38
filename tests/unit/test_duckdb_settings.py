"""DuckDB's memory limit, spill folder and threads (ingest/warehouse.py duckdb_settings): the
defaults, the environment overrides, an owner-only spill folder, and its removal."""

from __future__ import annotations

import stat

from ingest import warehouse


def test_defaults_spill_inside_the_work_folder_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv("PATHWAYS_WORK_DIR", str(tmp_path))
    for name in warehouse.SETTINGS_ENV:
        monkeypatch.delenv(name, raising=False)
    settings = warehouse.duckdb_settings()
    spill = tmp_path / "duckdb_spill"
    assert settings["temp_directory"] == str(spill)
    assert settings["memory_limit"] == warehouse.DEFAULT_MEMORY_LIMIT
    assert settings["preserve_insertion_order"] is False
    assert settings["threads"] >= 1
    assert stat.S_IMODE(spill.stat().st_mode) == 0o700


def test_environment_overrides_and_a_real_connection(tmp_path, monkeypatch):
    monkeypatch.setenv("PATHWAYS_WORK_DIR", str(tmp_path))
    monkeypatch.setenv(warehouse.MEMORY_LIMIT_ENV, "300MB")
    monkeypatch.setenv(warehouse.THREADS_ENV, "1")
    monkeypatch.setenv(warehouse.SPILL_DIR_ENV, str(tmp_path / "elsewhere"))
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        got = dict(
            con.execute(
                "select name, value from duckdb_settings() where name in "
                "('memory_limit', 'threads', 'temp_directory', 'preserve_insertion_order')"
            ).fetchall()
        )
    assert got["threads"] == "1"
    assert got["preserve_insertion_order"] == "false"
    assert got["temp_directory"] == str(tmp_path / "elsewhere")
    assert got["memory_limit"].startswith("28")  # 300 MB as DuckDB shows it (286.1 MiB)


def test_spill_files_are_removed_but_nothing_else_of_a_named_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("PATHWAYS_WORK_DIR", str(tmp_path))
    monkeypatch.delenv(warehouse.SPILL_DIR_ENV, raising=False)
    default = warehouse.spill_dir()
    default.mkdir()
    (default / "duckdb_temp_storage-0.tmp").write_text("spilled")
    warehouse.remove_spill_files()
    assert not default.exists()

    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "duckdb_temp_block-1.block").write_text("spilled")
    (shared / "keep.txt").write_text("not DuckDB's")
    monkeypatch.setenv(warehouse.SPILL_DIR_ENV, str(shared))
    warehouse.remove_spill_files()
    assert [p.name for p in shared.iterdir()] == ["keep.txt"]
