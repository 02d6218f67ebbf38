"""The demo: synthetic districts served over SFTP on 127.0.0.1, then the real nightly job.

Each demo district gets its own SFTP server (the same server the tests use: OpenSSH sshd
when installed, else in-process paramiko) with a generated client key and a pinned host key.
The registry's transfer settings are overridden through the environment, exactly as an
operator would override them (DISTRICTS__<ID>__TRANSFER__<KEY>).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from ingest.registry import District
from ingest.simulation.generators import GeneratedDistrict, generate_district
from ingest.simulation.sftp_server import SftpServer, generate_client_key, start_sftp_server


def write_night(
    districts: Sequence[District], root: Path, night: date, students: int | None = None
) -> dict[str, GeneratedDistrict]:
    """Synthetic files for each district into root/<district>/<remote_folder>/."""
    out = {}
    for d in districts:
        folder = root / d.id / str(d.transfer.get("remote_folder", "outbound"))
        for old in folder.glob("*"):
            if old.is_dir():  # a term folder (Harmony)
                shutil.rmtree(old)
            else:
                old.unlink()
        out[d.id] = generate_district(d, folder, night=night, students=students)
        # as if the district's export job wrote them at 1 a.m. its time, before the cutoff
        sent = datetime.combine(night, time(1, 0), ZoneInfo(d.timezone)).timestamp()
        for path in out[d.id].paths:
            os.utime(path, (sent, sent))
    return out


def transfer_env(
    district: District, server: SftpServer, key_file: Path, known_hosts: Path
) -> dict[str, str]:
    prefix = f"DISTRICTS__{district.id.upper()}__TRANSFER__"
    return {
        prefix + "HOST": server.host,
        prefix + "PORT": str(server.port),
        prefix + "USERNAME": server.username,
        prefix + "PRIVATE_KEY_FILE": str(key_file),
        prefix + "KNOWN_HOSTS_FILE": str(known_hosts),
    }


@contextmanager
def serve_districts(
    districts: Sequence[District], root: Path, work: Path, *, prefer_openssh: bool = True
) -> Iterator[dict[str, SftpServer]]:
    """Start one SFTP server per district over root/<district>/ and point the district's
    transfer settings at it for the duration."""
    work.mkdir(parents=True, exist_ok=True)
    key_file = work / "client_ed25519"
    public_key = generate_client_key(key_file)
    known_hosts = work / "known_hosts"
    servers: dict[str, SftpServer] = {}
    saved = dict(os.environ)
    with ExitStack() as stack:
        for d in districts:
            server = start_sftp_server(
                root / d.id, work / f"sshd-{d.id}", public_key, prefer_openssh=prefer_openssh
            )
            stack.callback(server.stop)
            servers[d.id] = server
        known_hosts.write_text("".join(s.host_key_line + "\n" for s in servers.values()))
        for d in districts:
            os.environ.update(transfer_env(d, servers[d.id], key_file, known_hosts))
        try:
            yield servers
        finally:
            os.environ.clear()
            os.environ.update(saved)
