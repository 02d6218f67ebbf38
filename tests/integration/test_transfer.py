"""Transfers against a real SFTP server on 127.0.0.1: pinned host keys, key auth, the local
drop folder, and raw housekeeping. No dbt here: these stop at the raw tables."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from datetime import date, timedelta

import duckdb
import pytest

from ingest.demo import serve_districts, write_night
from ingest.pipeline import ingest_district
from ingest.registry import load_registry
from ingest.simulation.sftp_server import generate_client_key, openssh_available, start_sftp_server
from ingest.transfer import SftpSource, TransferError

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


def test_an_unchanged_listing_is_not_downloaded_again(tmp_path, district, monkeypatch):
    """Files that stay on the server (the district's export did not run) cost a listing on the
    next night, not a download; a file with another modification time is downloaded and
    judged by its content, whether that changed or not."""
    generated = write_night([district], tmp_path / "sftp", date(2026, 11, 27), students=20)
    folder = generated[district.id].folder
    db = tmp_path / "w.duckdb"
    downloaded: list[str] = []
    download = SftpSource.download

    def counted(self, remote, dest, scan=None):
        downloaded.append(remote.name)
        return download(self, remote, dest, scan)

    monkeypatch.setattr(SftpSource, "download", counted)

    def night() -> dict[str, tuple[str, str]]:
        downloaded.clear()
        files = ingest_district(district, db_path=db).files
        return {f.entry["dataset"]: (f.status, f.entry.get("reason") or "") for f in files}

    with serve_districts([district], tmp_path / "sftp", tmp_path / "servers"):
        first = night()
        assert {status for status, _ in first.values()} == {"loaded"}
        assert len(downloaded) == len(first)

        again = night()
        assert downloaded == []
        assert {status for status, _ in again.values()} == {"duplicate"}
        assert all(why.startswith("unchanged since it was received") for _, why in again.values())

        (students,) = folder.glob("students_*.csv")
        (gpa,) = folder.glob("gpa_*.csv")
        sent = students.stat().st_mtime
        os.utime(students, (sent + 60, sent + 60))  # the same bytes, written again
        text = gpa.read_bytes()
        assert b"4.0" in text
        gpa.write_bytes(text.replace(b"4.0", b"3.9", 1))  # one value changed, same size
        assert gpa.stat().st_size == len(text)
        os.utime(gpa, (sent + 60, sent + 60))
        touched = night()
    assert sorted(downloaded) == sorted([students.name, gpa.name])
    assert touched["students"] == (
        "duplicate",
        "same content as a file already loaded; nothing loaded",
    )
    assert touched["gpa"][0] == "loaded"
    assert touched["grades"][0] == "duplicate" and touched["grades"][1].startswith("unchanged")


# --- symlinks, restat and refusals over SFTP, on both server kinds ---------------------------

KINDS = (
    [pytest.param("openssh", id="openssh"), pytest.param("paramiko", id="paramiko")]
    if openssh_available()
    else [pytest.param("paramiko", id="paramiko-only:sshd-not-installed")]
)
SENTINEL = b"student_id,last_name\n1001,Zzyzx-Sentinel\n"


def sftp_district(district, server, key_file, **settings):
    known_hosts = key_file.with_name(f"known_hosts_{server.port}")
    known_hosts.write_text(server.host_key_line + "\n")
    transfer = {
        "method": "sftp",
        "host": server.host,
        "port": server.port,
        "username": server.username,
        "private_key_file": str(key_file),
        "known_hosts_file": str(known_hosts),
        "remote_folder": "outbound",
        **settings,
    }
    return replace(district, transfer=transfer)


@pytest.fixture(params=KINDS)
def linked_folder(request, tmp_path, district):
    """District A's SFTP folder with a regular file, a term subfolder, and links to district
    B's file, to a file outside every district's folder, and to B's whole folder."""
    ours = tmp_path / "sftp" / "district_a" / "outbound"
    theirs = tmp_path / "sftp" / "district_b" / "outbound"
    ours.mkdir(parents=True)
    theirs.mkdir(parents=True)
    (theirs / "students_20261127.csv").write_bytes(SENTINEL)
    (tmp_path / "outside.csv").write_bytes(SENTINEL)
    (ours / "students_20261127.csv").write_bytes(b"student_id\n1\n")
    (ours / "2026_S2").mkdir()
    (ours / "2026_S2" / "grades_20261127.csv").write_bytes(b"student_id\n1\n")
    (ours / "grades_20261127.csv").symlink_to(theirs / "students_20261127.csv")
    (ours / "courses_20261127.csv").symlink_to(tmp_path / "outside.csv")
    (ours / "2026_S1").symlink_to(theirs, target_is_directory=True)
    key = tmp_path / "client_ed25519"
    server = start_sftp_server(
        ours.parent,
        tmp_path / "server",
        generate_client_key(key),
        prefer_openssh=request.param == "openssh",
    )
    request.addfinalizer(server.stop)
    assert server.kind == request.param
    return sftp_district(district, server, key), ours, theirs


def test_sftp_symlinks_are_listed_flagged_and_refused(tmp_path, linked_folder):
    district, ours, _ = linked_folder
    with SftpSource(district) as source:
        listed = {f.name: f for f in source.list_files()}
        # the server's listing carries lstat attributes: links are seen as links, and a
        # linked folder is one flagged entry, not descended into
        assert {n: f.is_symlink for n, f in listed.items()} == {
            "2026_S1": True,
            "2026_S2/grades_20261127.csv": False,
            "courses_20261127.csv": True,
            "grades_20261127.csv": True,
            "students_20261127.csv": False,
        }
        for name in ("2026_S1", "courses_20261127.csv", "grades_20261127.csv"):
            with pytest.raises(TransferError, match="is a symbolic link; only regular") as err:
                source.download(listed[name], tmp_path / "copy.csv")
            assert district.id in str(err.value) and "Zzyzx" not in str(err.value)
            assert not (tmp_path / "copy.csv").exists()
        copy = source.download(listed["students_20261127.csv"], tmp_path / "copy.csv")
        assert copy.read_bytes() == b"student_id\n1\n"
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600

        # a link swapped in after the listing is refused: lstat before opening
        (ours / "students_20261127.csv").unlink()
        (ours / "students_20261127.csv").symlink_to(ours / "2026_S2" / "grades_20261127.csv")
        with pytest.raises(TransferError, match="is a symbolic link"):
            source.download(listed["students_20261127.csv"], tmp_path / "again.csv")
    assert list(tmp_path.glob("*.partial")) == [] and not (tmp_path / "again.csv").exists()


def test_sftp_path_leaving_the_folder_is_refused(tmp_path, linked_folder):
    district, _, _ = linked_folder
    with SftpSource(district) as source:
        listed = next(f for f in source.list_files() if f.name == "students_20261127.csv")
        escape = replace(
            listed, remote_path="outbound/../../district_b/outbound/students_20261127.csv"
        )
        # OpenSSH resolves it outside the folder; the paramiko server refuses it outright
        with pytest.raises(TransferError, match="outside the district's folder|failed") as err:
            source.download(escape, tmp_path / "copy.csv")
        assert "Zzyzx" not in str(err.value)
    assert not (tmp_path / "copy.csv").exists()


def test_sftp_restat_sees_size_and_mtime_change(linked_folder):
    district, ours, _ = linked_folder
    path = ours / "students_20261127.csv"
    os.utime(path, (1_000_000_000, 1_000_000_000))
    with SftpSource(district) as source:
        listed = next(f for f in source.list_files() if f.name == path.name)
        assert source.restat(listed) == listed
        with path.open("ab") as f:
            f.write(b"2\n")
        os.utime(path, (1_000_000_000, 1_000_000_000))  # an mtime kept back: size still moves
        assert source.restat(listed).size_bytes == listed.size_bytes + 2
        os.utime(path, (1_000_000_100, 1_000_000_100))
        assert source.restat(listed).modified_at > listed.modified_at
        link = next(f for f in source.list_files() if f.name == "grades_20261127.csv")
        assert source.restat(link).is_symlink  # lstat: the link itself, not its target
        path.unlink()
        with pytest.raises(TransferError, match=f"{district.id}.*checking .*{path.name}"):
            source.restat(listed)


def test_sftp_asks_for_aes_gcm_first(linked_folder):
    """Both servers offer AES-GCM as well as paramiko's first choice, AES-CTR: the cipher
    agreed is the client's first that the server knows (transfer.PREFERRED_CIPHERS)."""
    district, ours, _ = linked_folder
    with SftpSource(district) as source:
        transport = source._session().get_channel().get_transport()
        assert (transport.local_cipher, transport.remote_cipher) == ("aes128-gcm@openssh.com",) * 2
        assert [f.name for f in source.list_files()]  # and the session works


@pytest.mark.parametrize("kind", KINDS)
def test_a_late_prefetch_request_does_not_slow_the_rest_of_the_file(
    tmp_path, district, kind, monkeypatch
):
    """paramiko's prefetch sends its read requests from a thread; when the reads drain the
    requests sent so far before it sends the next (it waits for Python's lock), paramiko
    counts the prefetch done and reads the rest one round trip at a time
    (ingest/sftp_prefetch.py). Here every request is sent late: the file still arrives
    whole, through the prefetch, with no read request of its own but the one past the end."""
    import time

    import paramiko
    from paramiko.sftp import CMD_READ

    from ingest.readers import FileScan

    folder = tmp_path / "sftp" / "outbound"
    folder.mkdir(parents=True)
    payload = os.urandom(2 << 20)
    (folder / "grades_20261127.csv").write_bytes(payload)
    key = tmp_path / "client_ed25519"
    public_key = generate_client_key(key)
    server = start_sftp_server(
        folder.parent, tmp_path / "server", public_key, prefer_openssh=kind == "openssh"
    )
    try:
        send, ask = paramiko.SFTPClient._async_request, paramiko.SFTPClient._request
        asked: list[int] = []

        def late_send(client, fileobj, t, *args):
            if t == CMD_READ:
                time.sleep(0.002)
            return send(client, fileobj, t, *args)

        def counted_ask(client, t, *args):
            if t == CMD_READ:
                asked.append(args[1])  # the offset
            return ask(client, t, *args)

        monkeypatch.setattr(paramiko.SFTPClient, "_async_request", late_send)
        monkeypatch.setattr(paramiko.SFTPClient, "_request", counted_ask)
        with SftpSource(sftp_district(district, server, key)) as source:
            [remote] = source.list_files()
            copy = source.download(remote, tmp_path / "copy.csv", FileScan())
    finally:
        server.stop()
    assert copy.read_bytes() == payload
    assert asked in ([], [len(payload)])  # at most the read past the end
