"""The demo/test SFTP server, exercised with a real paramiko client on both kinds."""

from __future__ import annotations

import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import paramiko
import pytest

from ingest.simulation.sftp_server import (
    SftpServer,
    generate_client_key,
    openssh_available,
    start_sftp_server,
)

# The openssh kind is only collected where sshd is installed (CI installs it); the id of
# the paramiko case then says why it runs alone.
KINDS = (
    [pytest.param("openssh", id="openssh"), pytest.param("paramiko", id="paramiko")]
    if openssh_available()
    else [pytest.param("paramiko", id="paramiko-only:sshd-not-installed")]
)

STUDENTS = b"student_id,last_name\r\n1001,Ca\x92\xe9\r\n1002,O'Brien\r\n"


@pytest.fixture(scope="module")
def client_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("client") / "id_ed25519"
    return path, generate_client_key(path)


@pytest.fixture(params=KINDS)
def server(
    request: pytest.FixtureRequest, tmp_path: Path, client_key: tuple[Path, str]
) -> Iterator[SftpServer]:
    root = tmp_path / "root"
    (root / "outbound").mkdir(parents=True)
    (root / "inbound").mkdir()
    (root / "outbound" / "students.csv").write_bytes(STUDENTS)
    (tmp_path / "secret.txt").write_text("outside the served root")
    srv = start_sftp_server(
        root, tmp_path / "work", client_key[1], prefer_openssh=request.param == "openssh"
    )
    request.addfinalizer(srv.stop)
    assert srv.kind == request.param
    yield srv


def known_hosts(path: Path, line: str) -> Path:
    path.write_text(line + "\n")
    return path


def connect(srv: SftpServer, key_path: Path, known_hosts_path: Path) -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    client.load_host_keys(str(known_hosts_path))
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    try:
        client.connect(
            srv.host,
            srv.port,
            username=srv.username,
            key_filename=str(key_path),
            look_for_keys=False,
            allow_agent=False,
            timeout=5,
            banner_timeout=5,
            auth_timeout=5,
        )
    except BaseException:
        client.close()
        raise
    return client


@pytest.fixture
def sftp(
    request: pytest.FixtureRequest,
    server: SftpServer,
    client_key: tuple[Path, str],
    tmp_path: Path,
) -> paramiko.SFTPClient:
    client = connect(server, client_key[0], known_hosts(tmp_path / "kh", server.host_key_line))
    request.addfinalizer(client.close)
    return client.open_sftp()


def test_generate_client_key_is_loadable(tmp_path: Path) -> None:
    path = tmp_path / "key"
    line = generate_client_key(path)
    key = paramiko.Ed25519Key.from_private_key_file(str(path))
    assert line == f"ssh-ed25519 {key.get_base64()} pathways-demo"
    assert path.with_suffix(".pub").read_text().strip() == line
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_host_key_line_is_a_known_hosts_entry(server: SftpServer, tmp_path: Path) -> None:
    host_keys = paramiko.HostKeys(str(known_hosts(tmp_path / "kh", server.host_key_line)))
    assert server.host_key_line.startswith(f"[127.0.0.1]:{server.port} ssh-ed25519 ")
    assert host_keys.lookup(f"[127.0.0.1]:{server.port}") is not None


def test_list_download_upload(sftp: paramiko.SFTPClient, server: SftpServer, tmp_path: Path):
    assert sftp.normalize(".") == str(server.root)
    assert sftp.listdir("outbound") == ["students.csv"]
    assert sftp.stat("outbound/students.csv").st_size == len(STUDENTS)

    local = tmp_path / "downloaded.csv"
    sftp.get("outbound/students.csv", str(local))
    assert local.read_bytes() == STUDENTS  # byte for byte: Windows-1252 and CRLF survive

    upload = tmp_path / "upload.csv"
    upload.write_bytes(b"a,b\r\n\xff\x00,2\r\n" * 1000)
    sftp.put(str(upload), "inbound/upload.csv")
    assert (server.root / "inbound" / "upload.csv").read_bytes() == upload.read_bytes()

    sftp.rename("inbound/upload.csv", "inbound/renamed.csv")
    sftp.mkdir("inbound/night")
    assert sorted(sftp.listdir("inbound")) == ["night", "renamed.csv"]
    sftp.remove("inbound/renamed.csv")
    sftp.rmdir("inbound/night")
    assert sftp.listdir("inbound") == []


def test_serves_concurrent_and_sequential_clients(
    server: SftpServer, client_key: tuple[Path, str], tmp_path: Path
) -> None:
    kh = known_hosts(tmp_path / "kh", server.host_key_line)
    results: list[bytes] = []

    def download() -> None:
        with connect(server, client_key[0], kh) as client, client.open_sftp() as sftp:
            with sftp.open("outbound/students.csv") as f:
                results.append(f.read())

    threads = [threading.Thread(target=download) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    download()
    download()
    assert results == [STUDENTS] * 6


def test_refuses_an_unknown_client_key(server: SftpServer, tmp_path: Path) -> None:
    other = tmp_path / "other_key"
    generate_client_key(other)
    with pytest.raises(paramiko.AuthenticationException):
        connect(server, other, known_hosts(tmp_path / "kh", server.host_key_line))


def test_client_refuses_a_different_host_key(
    server: SftpServer, client_key: tuple[Path, str], tmp_path: Path
) -> None:
    impostor = generate_client_key(tmp_path / "impostor").rsplit(" ", 1)[0]
    kh = known_hosts(tmp_path / "kh", f"[127.0.0.1]:{server.port} {impostor}")
    with pytest.raises((paramiko.BadHostKeyException, paramiko.SSHException)):
        connect(server, client_key[0], kh)


def test_client_refuses_an_unpinned_server(
    server: SftpServer, client_key: tuple[Path, str], tmp_path: Path
) -> None:
    # The right key pinned for another port does not count.
    kh = known_hosts(tmp_path / "kh", server.host_key_line.replace(f":{server.port} ", ":2 "))
    with pytest.raises(paramiko.SSHException):
        connect(server, client_key[0], kh)


# Only the paramiko kind confines: sshd serves the whole filesystem to its user (-d only
# sets where relative paths start).
@pytest.mark.parametrize("server", ["paramiko"], indirect=True)
def test_paramiko_kind_confines_paths_to_the_root(
    sftp: paramiko.SFTPClient, server: SftpServer, tmp_path: Path
) -> None:
    (server.root / "outbound" / "link").symlink_to(tmp_path / "secret.txt")
    for path in ("../secret.txt", "outbound/../../secret.txt", str(tmp_path / "secret.txt")):
        with pytest.raises(PermissionError):
            sftp.open(path).read()
    with pytest.raises(PermissionError):
        sftp.open("outbound/link").read()  # a symlink pointing out is refused too
    with pytest.raises(PermissionError):
        sftp.listdir("..")
    with pytest.raises(PermissionError):
        sftp.open("../escape.csv", "w").write(b"x")
    assert not (tmp_path / "escape.csv").exists()


def test_stop_frees_the_port_and_is_idempotent(
    server: SftpServer, client_key: tuple[Path, str], tmp_path: Path
) -> None:
    client = connect(server, client_key[0], known_hosts(tmp_path / "kh", server.host_key_line))
    sftp = client.open_sftp()
    server.stop()
    server.stop()
    with pytest.raises((OSError, paramiko.SSHException)):
        sftp.listdir("outbound")  # open sessions end with the server
    client.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((server.host, server.port), timeout=2).close()
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((server.host, server.port))
        s.listen()
