"""Transfers against a real SFTP server on 127.0.0.1: pinned host keys, key auth, the local
drop folder, and raw housekeeping. No dbt here: these stop at the raw tables."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, timedelta

import duckdb
import pytest

from ingest.demo import serve_districts, write_night
from ingest.pipeline import ingest_district
from ingest.registry import load_registry
from ingest.sftp_server import generate_client_key, start_sftp_server
from ingest.transfer import TransferError

pytestmark = pytest.mark.integration


@pytest.fixture
def district():
    return next(d for d in load_registry() if d.sis == "skyward_sms" and d.state == "IN")


def test_server_with_another_host_key_is_refused(tmp_path, district):
    write_night([district], tmp_path / "sftp", date(2026, 11, 27), students=20)
    with serve_districts([district], tmp_path / "sftp", tmp_path / "servers") as servers:
        # an impostor on the same address, with its own host key: pin the real one, dial it
        impostor = start_sftp_server(
            tmp_path / "sftp" / district.id,
            tmp_path / "impostor",
            (tmp_path / "servers" / "client_ed25519.pub").read_text(),
        )
        try:
            key = f"DISTRICTS__{district.id.upper()}__TRANSFER__PORT"
            assert os.environ[key] == str(servers[district.id].port)
            os.environ[key] = str(impostor.port)
            known_hosts = tmp_path / "servers" / "known_hosts"
            known_hosts.write_text(
                known_hosts.read_text().replace(
                    f"[127.0.0.1]:{servers[district.id].port}", f"[127.0.0.1]:{impostor.port}"
                )
            )
            with pytest.raises(TransferError, match="NOT the pinned one"):
                ingest_district(district, db_path=tmp_path / "w.duckdb")
            known_hosts.write_text("")  # a server we hold no key for at all
            with pytest.raises(TransferError, match=district.id):
                ingest_district(district, db_path=tmp_path / "w.duckdb")
        finally:
            impostor.stop()


def test_wrong_client_key_is_refused(tmp_path, district):
    write_night([district], tmp_path / "sftp", date(2026, 11, 27), students=20)
    with serve_districts([district], tmp_path / "sftp", tmp_path / "servers"):
        other = tmp_path / "other_ed25519"
        generate_client_key(other)
        os.environ[f"DISTRICTS__{district.id.upper()}__TRANSFER__PRIVATE_KEY_FILE"] = str(other)
        with pytest.raises(TransferError, match=district.id):
            ingest_district(district, db_path=tmp_path / "w.duckdb")


def test_local_drop_folder_takes_the_same_path(tmp_path, district):
    generated = write_night([district], tmp_path / "drop", date(2026, 11, 27), students=20)
    folder = generated[district.id].folder
    local = replace(district, transfer={"method": "local", "folder": str(folder)})
    night = ingest_district(local, db_path=tmp_path / "w.duckdb")
    assert {f.entry["dataset"]: f.status for f in night.files} == dict.fromkeys(
        generated[district.id].rows, "loaded"
    )
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        students = con.execute("select count(*) from raw_skyward_sms.students").fetchone()[0]
    assert students == generated[district.id].rows["students"]


def test_raw_keeps_only_the_last_n_files(tmp_path, district):
    db = tmp_path / "w.duckdb"
    for offset in range(3):
        generated = write_night(
            [district],
            tmp_path / "drop",
            date(2026, 11, 25) + timedelta(days=offset),
            students=20 + offset,  # a different file each night
        )
        local = replace(
            district, transfer={"method": "local", "folder": str(generated[district.id].folder)}
        )
        ingest_district(local, db_path=db, keep_loads=2)
    with duckdb.connect(str(db), read_only=True) as con:
        files = con.execute(
            "select count(distinct _file_sha256), count(*) from raw_skyward_sms.students"
        ).fetchone()
        manifest = con.execute(
            "select count(*) from pathways_meta.file_manifest where dataset = 'students'"
        ).fetchone()[0]
    assert files == (2, 21 + 22)
    assert manifest == 3  # the manifest keeps every night's record


def test_same_content_twice_in_one_night_loads_once(tmp_path, district):
    generated = write_night([district], tmp_path / "drop", date(2026, 11, 27), students=20)
    folder = generated[district.id].folder
    (students,) = folder.glob("students_*.csv")
    (folder / "students_20261127_copy.csv").write_bytes(students.read_bytes())
    local = replace(district, transfer={"method": "local", "folder": str(folder)})
    night = ingest_district(local, db_path=tmp_path / "w.duckdb")
    statuses = sorted(f.status for f in night.files if f.entry["dataset"] == "students")
    assert statuses == ["duplicate", "loaded"]
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        rows = con.execute("select count(*) from raw_skyward_sms.students").fetchone()[0]
    assert rows == generated[district.id].rows["students"]
