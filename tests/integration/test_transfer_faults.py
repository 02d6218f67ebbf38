"""Network faults during a transfer, injected by the in-process SFTP server (`ReadFault`):
a read that stalls, a connection that drops mid-file, a server that never answers the
connection. Each must end within its configured timeout with a reason a person can act on,
leave no partial file, and not stop the next file."""

from __future__ import annotations

import os
import re
import socket
import time
from dataclasses import replace

import pytest

from ingest.registry import load_registry
from ingest.simulation.sftp_server import ReadFault, generate_client_key, start_sftp_server
from ingest.transfer import SftpSource, TransferError

pytestmark = pytest.mark.integration

IO_TIMEOUT = 2  # seconds; the fault lasts far longer
SIZE = 300 * 1024
STUCK = "outbound/grades_20261127.csv"
SENTINEL = b"1001,Zzyzx-Sentinel\n"


@pytest.fixture
def district():
    return next(d for d in load_registry() if d.sis == "skyward_sms")


def faulty_server(tmp_path, district, fault, **settings):
    """A paramiko SFTP server with `fault` on STUCK, and the district pointed at it."""
    outbound = tmp_path / "sftp" / "outbound"
    outbound.mkdir(parents=True)
    (outbound / "grades_20261127.csv").write_bytes((SENTINEL * (SIZE // len(SENTINEL) + 1))[:SIZE])
    (outbound / "students_20261127.csv").write_bytes(b"student_id\n1\n" + os.urandom(100_000))
    key = tmp_path / "client_ed25519"
    server = start_sftp_server(
        outbound.parent, tmp_path / "server", generate_client_key(key), faults=[fault]
    )
    assert server.kind == "paramiko"  # faults select the in-process server
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(server.host_key_line + "\n")
    transfer = {
        "method": "sftp",
        "host": server.host,
        "port": server.port,
        "username": server.username,
        "private_key_file": str(key),
        "known_hosts_file": str(known_hosts),
        "remote_folder": "outbound",
        "io_timeout": IO_TIMEOUT,
        **settings,
    }
    return server, replace(district, transfer=transfer)


def files(source):
    return {f.name: f for f in source.list_files()}


def test_stalled_read_fails_within_io_timeout_with_the_reason(tmp_path, district):
    server, district = faulty_server(
        tmp_path, district, ReadFault(STUCK, "stall", after_bytes=65536, seconds=60)
    )
    with server, SftpSource(district) as source:
        listed = files(source)
        started = time.monotonic()
        with pytest.raises(TransferError) as err:
            source.download(listed["grades_20261127.csv"], tmp_path / "grades.csv")
        elapsed = time.monotonic() - started
        # bounded by io_timeout, not twice it (paramiko's `get` waited again on close)
        assert IO_TIMEOUT <= elapsed < 2 * IO_TIMEOUT
        message = str(err.value)
        assert district.id in message and STUCK in message
        assert f"65,536 of {SIZE:,} bytes arrived" in message
        assert f"no data came for {IO_TIMEOUT} s (io_timeout)" in message
        assert "retried next night" in message and "Zzyzx" not in message
        assert not (tmp_path / "grades.csv").exists()
        assert list(tmp_path.glob("*.partial")) == []
        # the stuck connection was abandoned; the next file comes over a new one
        copy = source.download(listed["students_20261127.csv"], tmp_path / "students.csv")
        sent = tmp_path / "sftp" / "outbound" / "students_20261127.csv"
        assert copy.read_bytes() == sent.read_bytes()


def test_dropped_connection_mid_file_gives_the_reason(tmp_path, district):
    server, district = faulty_server(
        tmp_path, district, ReadFault(STUCK, "drop", after_bytes=100_000)
    )
    with server, SftpSource(district) as source:
        listed = files(source)
        started = time.monotonic()
        with pytest.raises(TransferError) as err:
            source.download(listed["grades_20261127.csv"], tmp_path / "grades.csv")
        assert time.monotonic() - started < IO_TIMEOUT  # noticed at once, not by timeout
        message = str(err.value)
        assert district.id in message and STUCK in message
        assert "connection dropped" in message
        # how much arrives before the drop varies: the server's close may reset the
        # connection before the client has read what was already sent
        arrived = re.search(
            rf"after ([\d,]+) of {SIZE:,} bytes \(Server connection dropped\)", message
        )
        assert arrived and int(arrived[1].replace(",", "")) <= 131_072
        assert "retried next night" in message and "Zzyzx" not in message
        assert not (tmp_path / "grades.csv").exists()
        assert list(tmp_path.glob("*.partial")) == []
        copy = source.download(listed["students_20261127.csv"], tmp_path / "students.csv")
        assert copy.stat().st_size == listed["students_20261127.csv"].size_bytes


def test_silent_server_fails_within_connect_timeout(tmp_path, district):
    """A server that takes the TCP connection (the kernel's backlog) and never says a word."""
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text("")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        silent = replace(
            district,
            transfer={
                "method": "sftp",
                "host": "127.0.0.1",
                "port": listener.getsockname()[1],
                "username": "nobody",
                "private_key_file": "unused",
                "known_hosts_file": str(known_hosts),
                "connect_timeout": 1,
            },
        )
        started = time.monotonic()
        with pytest.raises(TransferError) as err:
            with SftpSource(silent):
                pass
        assert time.monotonic() - started < 2
        assert district.id in str(err.value)
        assert "within 1 s (connect_timeout)" in str(err.value)
