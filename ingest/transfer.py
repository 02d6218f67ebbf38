"""Getting a district's files onto local disk: SFTP (pinned host key, key auth) or a local
drop folder. Everything after this step is the same for every transfer method."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import dlt
import paramiko

from ingest.paths import REPO_ROOT
from ingest.registry import District

CONNECT_TIMEOUT = 30  # seconds; a stalled server must never hang the night
IO_TIMEOUT = 120


class TransferError(RuntimeError):
    pass


@dataclass(frozen=True)
class RemoteFile:
    name: str
    remote_path: str
    size_bytes: int
    modified_at: datetime


def transfer_setting(district: District, key: str, default=None):
    """A transfer setting: environment or .dlt/secrets.toml / config.toml first
    (DISTRICTS__<ID>__TRANSFER__<KEY>), then the registry."""
    path = f"districts.{district.id}.transfer.{key}"
    value = dlt.secrets.get(path)
    if value is None:
        value = dlt.config.get(path)
    if value is None:
        value = district.transfer.get(key, default)
    return value


def _repo_path(value: str) -> Path:
    path = Path(os.path.expanduser(str(value)))
    return path if path.is_absolute() else REPO_ROOT / path


class SftpSource:
    """Lists and downloads the files of one district's remote folder."""

    def __init__(self, district: District):
        self.district = district
        self.host = transfer_setting(district, "host")
        self.port = int(transfer_setting(district, "port", 22))
        self.username = transfer_setting(district, "username")
        self.folder = str(transfer_setting(district, "remote_folder", "."))
        self.key_file = transfer_setting(district, "private_key_file")
        self.known_hosts = transfer_setting(district, "known_hosts_file")
        self._client: paramiko.SSHClient | None = None
        self._sftp: paramiko.SFTPClient | None = None

    def where(self) -> str:
        return f"district {self.district.id}: sftp://{self.username}@{self.host}:{self.port}"

    def __enter__(self) -> SftpSource:
        if not self.key_file:
            raise TransferError(
                f"{self.where()}: no private key configured; set "
                f"DISTRICTS__{self.district.id.upper()}__TRANSFER__PRIVATE_KEY_FILE "
                "or add it to .dlt/secrets.toml"
            )
        if not self.known_hosts or not _repo_path(self.known_hosts).is_file():
            raise TransferError(
                f"{self.where()}: the server's host key is not pinned (known_hosts_file "
                f"{self.known_hosts!r} not found); add the key the district gave you to it"
            )
        client = paramiko.SSHClient()
        # Pinned host key: only the key in our known_hosts file is accepted, never auto-added.
        client.load_host_keys(str(_repo_path(self.known_hosts)))
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        try:
            client.connect(
                self.host,
                port=self.port,
                username=self.username,
                key_filename=str(_repo_path(self.key_file)),
                allow_agent=False,
                look_for_keys=False,
                timeout=CONNECT_TIMEOUT,
                banner_timeout=CONNECT_TIMEOUT,
                auth_timeout=CONNECT_TIMEOUT,
            )
        except paramiko.BadHostKeyException:
            client.close()
            raise TransferError(
                f"{self.where()}: the server's host key is NOT the pinned one; refusing to "
                "connect. If the district changed its server key, confirm it with them and "
                "update the known_hosts file"
            ) from None
        except paramiko.SSHException as err:
            client.close()
            raise TransferError(f"{self.where()}: {err}") from None
        except OSError as err:
            client.close()
            raise TransferError(f"{self.where()}: cannot connect ({err})") from None
        self._client = client
        self._sftp = client.open_sftp()
        self._sftp.get_channel().settimeout(IO_TIMEOUT)
        return self

    def __exit__(self, *exc) -> None:
        if self._sftp:
            self._sftp.close()
        if self._client:
            self._client.close()

    def list_files(self) -> list[RemoteFile]:
        """Files of the remote folder and of its subfolders, one level down (Harmony sends a
        folder per term); names are relative to the folder, e.g. `2026_S1/students.csv`."""
        found = []
        for entry, relative in self._entries(self.folder, ""):
            if stat.S_ISDIR(entry.st_mode or 0):
                subfolder = str(PurePosixPath(self.folder) / relative)
                found += [
                    self._remote(e, r)
                    for e, r in self._entries(subfolder, relative + "/")
                    if stat.S_ISREG(e.st_mode or 0)
                ]
            elif stat.S_ISREG(entry.st_mode or 0):
                found.append(self._remote(entry, relative))
        return sorted(found, key=lambda f: f.name)

    def _entries(self, folder: str, prefix: str):
        try:
            return [(e, prefix + e.filename) for e in self._sftp.listdir_attr(folder)]
        except OSError as err:
            raise TransferError(f"{self.where()}: cannot list {folder!r} ({err})") from None

    def _remote(self, entry, relative: str) -> RemoteFile:
        return RemoteFile(
            relative,
            str(PurePosixPath(self.folder) / relative),
            entry.st_size or 0,
            datetime.fromtimestamp(entry.st_mtime or 0, UTC),
        )

    def download(self, remote: RemoteFile, dest: Path) -> Path:
        """To a temporary name first, then verified against the remote size and renamed, so a
        dropped connection never leaves a partial file that looks complete."""
        partial = dest.with_name(dest.name + ".partial")
        try:
            self._sftp.get(remote.remote_path, str(partial))
        except (OSError, paramiko.SSHException) as err:
            partial.unlink(missing_ok=True)
            raise TransferError(
                f"{self.where()}: download of {remote.remote_path} failed "
                f"({err}); it will be retried next night"
            ) from None
        got = partial.stat().st_size
        if got != remote.size_bytes:
            partial.unlink(missing_ok=True)
            raise TransferError(
                f"{self.where()}: {remote.remote_path}: received {got} bytes of "
                f"{remote.size_bytes}; it will be retried next night"
            )
        partial.replace(dest)
        return dest


class LocalSource:
    """A drop folder on disk; files are copied like downloads so the original may change."""

    def __init__(self, district: District):
        self.district = district
        self.folder = _repo_path(transfer_setting(district, "folder", "."))

    def where(self) -> str:
        return f"district {self.district.id}: folder {self.folder}"

    def __enter__(self) -> LocalSource:
        if not self.folder.is_dir():
            raise TransferError(f"{self.where()} does not exist")
        return self

    def __exit__(self, *exc) -> None:
        pass

    def list_files(self) -> list[RemoteFile]:
        """Like SftpSource.list_files: the folder and its subfolders, one level down."""
        paths = [p for p in self.folder.iterdir() if p.is_file()]
        for sub in (p for p in self.folder.iterdir() if p.is_dir()):
            paths += [p for p in sub.iterdir() if p.is_file()]
        return sorted(
            (
                RemoteFile(
                    p.relative_to(self.folder).as_posix(),
                    str(p),
                    p.stat().st_size,
                    datetime.fromtimestamp(p.stat().st_mtime, UTC),
                )
                for p in paths
            ),
            key=lambda f: f.name,
        )

    def download(self, remote: RemoteFile, dest: Path) -> Path:
        shutil.copyfile(remote.remote_path, dest)
        return dest


@contextmanager
def open_source(district: District) -> Iterator[SftpSource | LocalSource]:
    source = SftpSource(district) if district.transfer_method == "sftp" else LocalSource(district)
    with source:
        yield source
