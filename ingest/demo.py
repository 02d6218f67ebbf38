"""The demo: synthetic districts served over SFTP on 127.0.0.1, then the real nightly job.

Each demo district gets its own SFTP server (the same server the tests use: OpenSSH sshd
when installed, else in-process paramiko) with a generated client key and a pinned host key.
A PowerSchool district (transfer method `powerschool_api`) gets its own PowerSchool emulator
instead, serving the plugin zip the project generates and the night's synthetic records
(written next to the other districts' files as `records.json`), with a generated client
secret. The registry's transfer settings are overridden through the environment, exactly as
an operator would override them (DISTRICTS__<ID>__TRANSFER__<KEY>).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ingest.registry import API_TRANSFER, District
from ingest.simulation.generators import GeneratedDistrict, generate_district
from ingest.simulation.generators.users import add_users
from ingest.simulation.sftp_server import SftpServer, generate_client_key, start_sftp_server

API_RECORDS = "records.json"  # a PowerSchool district's night: query name -> records


@dataclass
class ApiServer:
    """A PowerSchool emulator serving one demo district (`kind` like SftpServer's)."""

    emulator: Any  # ingest.simulation.powerschool_server.PowerSchoolEmulator
    client_secret: str
    kind: str = "powerschool-emulator"

    @property
    def base_url(self) -> str:
        return self.emulator.base_url


def write_night(
    districts: Sequence[District], root: Path, night: date, students: int | None = None
) -> dict[str, GeneratedDistrict]:
    """Synthetic files for each district into root/<district>/<remote_folder>/."""
    out = {}
    for d in districts:
        if d.transfer_method == API_TRANSFER:
            out[d.id] = write_api_night(d, root / d.id, night, students)
            continue
        folder = root / d.id / str(d.transfer.get("remote_folder", "outbound"))
        for old in folder.glob("*"):
            if old.is_dir():  # a term folder (Harmony)
                shutil.rmtree(old)
            else:
                old.unlink()
        out[d.id] = generate_district(d, folder, night=night, students=students)
        if d.demo.get("users"):  # Users data, whatever the SIS
            add_users(d, out[d.id], night, int(d.demo.get("seed", 1)))
        # as if the district's export job wrote them at 1 a.m. its time, before the cutoff
        sent = datetime.combine(night, time(1, 0), ZoneInfo(d.timezone)).timestamp()
        for path in out[d.id].paths:
            os.utime(path, (sent, sent))
    return out


def write_api_night(
    district: District, folder: Path, night: date, students: int | None = None
) -> GeneratedDistrict:
    """A PowerSchool district's night: the records its PowerQueries return, as JSON."""
    from ingest.powerschool.queries import load_queries
    from ingest.simulation.generators.powerschool import api_records

    built = api_records(district, night, students=students)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / API_RECORDS
    path.write_text(json.dumps(built.records, ensure_ascii=False), encoding="utf-8")
    datasets = {q.name: q.dataset for q in load_queries().values()}
    rows = {datasets.get(name, name): len(records) for name, records in built.records.items()}
    return GeneratedDistrict(
        district.id, folder, {}, rows, dict(built.expected_marts), paths=[path]
    )


@contextmanager
def serve_api_district(
    district: District, folder: Path, work: Path, max_page_size: int | None = None
) -> Iterator[ApiServer]:
    """A PowerSchool emulator for the district, serving the plugin zip the project generates
    and the records of folder/records.json, with a generated client secret (and its
    metadata's maximum page size when given; else the emulator's, PowerSchool's default)."""
    from ingest.powerschool.plugin import write_plugin_zip
    from ingest.simulation.powerschool_server import PowerSchoolEmulator

    work.mkdir(parents=True, exist_ok=True)
    plugin = write_plugin_zip(work / f"plugin-{district.id}.zip")
    records = json.loads((folder / API_RECORDS).read_text(encoding="utf-8"))
    secret = secrets.token_urlsafe(24)
    sizes = {"max_page_size": max_page_size} if max_page_size else {}
    emulator = PowerSchoolEmulator(
        plugin, records, str(district.transfer["client_id"]), secret, **sizes
    )
    with emulator:
        yield ApiServer(emulator, secret)


def api_env(district: District, server: ApiServer) -> dict[str, str]:
    prefix = f"DISTRICTS__{district.id.upper()}__TRANSFER__"
    return {prefix + "BASE_URL": server.base_url, prefix + "CLIENT_SECRET": server.client_secret}


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
    districts: Sequence[District],
    root: Path,
    work: Path,
    *,
    prefer_openssh: bool = True,
    api_page_size: int | None = None,
) -> Iterator[dict[str, SftpServer]]:
    """Start one SFTP server per district over root/<district>/ (a PowerSchool emulator for
    a `powerschool_api` district) and point the district's transfer settings at it for the
    duration."""
    work.mkdir(parents=True, exist_ok=True)
    key_file = work / "client_ed25519"
    public_key = generate_client_key(key_file)
    known_hosts = work / "known_hosts"
    servers: dict[str, SftpServer | ApiServer] = {}
    saved = dict(os.environ)
    with ExitStack() as stack:
        for d in districts:
            if d.transfer_method == API_TRANSFER:
                servers[d.id] = stack.enter_context(
                    serve_api_district(d, root / d.id, work / f"api-{d.id}", api_page_size)
                )
                continue
            server = start_sftp_server(
                root / d.id, work / f"sshd-{d.id}", public_key, prefer_openssh=prefer_openssh
            )
            stack.callback(server.stop)
            servers[d.id] = server
        known_hosts.write_text(
            "".join(s.host_key_line + "\n" for s in servers.values() if isinstance(s, SftpServer))
        )
        for d in districts:
            server = servers[d.id]
            if isinstance(server, ApiServer):
                os.environ.update(api_env(d, server))
            else:
                os.environ.update(transfer_env(d, server, key_file, known_hosts))
        try:
            yield servers
        finally:
            os.environ.clear()
            os.environ.update(saved)
