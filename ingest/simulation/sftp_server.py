"""A real SFTP server on 127.0.0.1 serving a folder, for the demo and the tests.

Two kinds behind `start_sftp_server`:

* ``openssh``: the system `sshd` as a child process with its own config, host key and port.
  Relative paths resolve under the served root (``internal-sftp -d``); absolute paths are
  real filesystem paths and are NOT confined (sshd can only chroot into root-owned trees).
* ``paramiko``: an in-process server (fallback when sshd is absent). Same path rules as
  ``openssh`` (the root is the login directory, absolute paths are real paths), but every
  path must stay inside the root.

Both accept only public-key authentication of the current OS user with one given key.

Tests can make the paramiko kind misbehave while a client reads a file (`ReadFault`): stall
(answer nothing for a while, staying connected) or drop the connection, after a given number
of bytes. Only the in-process server can do this; asking for faults selects it.
"""

from __future__ import annotations

import base64
import os
import posixpath
import pwd
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import paramiko
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from paramiko.sftp import SFTP_FAILURE, SFTP_OK, SFTP_PERMISSION_DENIED

HOST = "127.0.0.1"
STARTUP_TIMEOUT = 10.0  # seconds to wait for sshd to accept connections


class SftpServerError(RuntimeError):
    pass


# --- keys -------------------------------------------------------------------------------


def _write_private(path: Path, data: bytes) -> None:
    """Write a secret file that is 600 from the start (sshd refuses looser host keys)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _new_ed25519(path: Path) -> str:
    """Write a new ed25519 private key (OpenSSH format) at `path`; return its public line."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    _write_private(path, private)
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    return public.decode("ascii")


def generate_client_key(path: Path) -> str:
    """Write a client key pair at `path` and `path.with_suffix(".pub")`; return the public line."""
    line = _new_ed25519(path) + " pathways-demo"
    path.with_suffix(".pub").write_text(line + "\n", encoding="ascii")
    return line


def _parse_public_key(line: str) -> tuple[str, bytes]:
    """Split "ssh-ed25519 AAAA... comment" into (key type, key blob)."""
    parts = line.split()
    if len(parts) < 2:
        raise ValueError(f"not an OpenSSH public key line: {line!r}")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except ValueError as exc:
        raise ValueError(f"not an OpenSSH public key line: {line!r}") from exc
    return parts[0], blob


# --- injected faults (tests only) -------------------------------------------------------


@dataclass(frozen=True)
class ReadFault:
    """A misbehaviour of the paramiko server while a client reads `path` (relative to the
    served root, e.g. "outbound/students.csv"). It strikes at the first read request that
    starts at or past `after_bytes` (requests are 32 KiB with paramiko clients, so the
    client has received `after_bytes` rounded up to a multiple of 32,768 by then):

    * ``"stall"``: answer nothing for `seconds` while staying connected, like a hung disk
      or network (make it longer than the client's io_timeout), then carry on serving.
      Stopping the server ends the stall at once.
    * ``"drop"``: close the connection without a word, like a network failure (what the
      client has not read yet may be lost with it).

    It strikes once each time the file is opened: a retry meets the same fault.
    """

    path: str
    action: Literal["stall", "drop"] = "stall"
    after_bytes: int = 0
    seconds: float = 60.0

    def __post_init__(self) -> None:
        if self.action not in ("stall", "drop"):
            raise ValueError(f"ReadFault.action must be 'stall' or 'drop', not {self.action!r}")


# --- the server handle ------------------------------------------------------------------


@dataclass
class SftpServer:
    host: str
    port: int
    username: str
    root: Path
    host_key_line: str  # known_hosts line: "[127.0.0.1]:<port> ssh-ed25519 AAAA..."
    kind: str  # "openssh" or "paramiko"
    _shutdown: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def stop(self) -> None:
        """Stop serving and free the port; safe to call more than once."""
        shutdown, self._shutdown = self._shutdown, None
        if shutdown is not None:
            shutdown()

    def __enter__(self) -> SftpServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _current_user() -> str:
    # The uid's own name, not $USER: sshd authenticates the account that owns the process.
    return pwd.getpwuid(os.getuid()).pw_name


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _find_sshd() -> str | None:
    found = shutil.which("sshd")
    if found is None and os.access("/usr/sbin/sshd", os.X_OK):
        found = "/usr/sbin/sshd"
    return str(Path(found).resolve()) if found else None  # sshd re-exec needs an absolute path


def openssh_available() -> bool:
    return _find_sshd() is not None


def start_sftp_server(
    root: Path,
    work_dir: Path,
    authorized_public_key: str,
    *,
    prefer_openssh: bool = True,
    faults: Sequence[ReadFault] = (),
) -> SftpServer:
    """Serve `root` over SFTP on 127.0.0.1 to the current user holding `authorized_public_key`.

    `work_dir` receives the host key, sshd's config, log and pid file. Uses sshd when
    installed and `prefer_openssh`, else an in-process paramiko server. `faults` (tests
    only) always selects the in-process server, the only one that can inject them.
    """
    root = Path(root).resolve()
    if not root.is_dir():
        raise SftpServerError(f"served root is not a directory: {root}")
    work_dir = Path(work_dir).resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    _parse_public_key(authorized_public_key)  # fail early on a malformed key

    sshd = _find_sshd() if prefer_openssh and not faults else None
    if sshd is not None:
        return _start_openssh(sshd, root, work_dir, authorized_public_key)
    return _start_paramiko(root, work_dir, authorized_public_key, tuple(faults))


# --- OpenSSH ------------------------------------------------------------------------------


def _sshd_config(root: Path, work_dir: Path, port: int, user: str) -> str:
    # internal-sftp splits its command line on spaces and expands %-tokens in -d.
    for p in (root, work_dir):
        if any(c.isspace() for c in str(p)) or '"' in str(p):
            raise SftpServerError(f"sshd cannot serve or use a path with spaces or quotes: {p}")
    return "\n".join(
        [
            f"Port {port}",
            f"ListenAddress {HOST}",
            f"HostKey {work_dir / 'ssh_host_ed25519_key'}",
            f"PidFile {work_dir / 'sshd.pid'}",
            f"AuthorizedKeysFile {str(work_dir / 'authorized_keys').replace('%', '%%')}",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",
            "PermitRootLogin prohibit-password",  # CI runs as root
            f"AllowUsers {user}",
            "AllowTcpForwarding no",
            "X11Forwarding no",
            "UseDNS no",
            "Subsystem sftp internal-sftp",
            f"ForceCommand internal-sftp -d {str(root).replace('%', '%%')}",
            "",
        ]
    )


def _start_openssh(sshd: str, root: Path, work_dir: Path, public_key: str) -> SftpServer:
    user = _current_user()
    host_public = _new_ed25519(work_dir / "ssh_host_ed25519_key")
    (work_dir / "authorized_keys").write_text(public_key.strip() + "\n", encoding="ascii")
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege-separation dir

    # The free port can be taken between probing and sshd's bind: try a few ports.
    for _attempt in range(3):
        port = _free_port()
        config = work_dir / "sshd_config"
        config.write_text(_sshd_config(root, work_dir, port, user), encoding="ascii")
        log_path = work_dir / "sshd.log"
        # Log to a file, not a pipe: an unread pipe would eventually block sshd.
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [sshd, "-D", "-e", "-f", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if _wait_for_port(port, proc):
            return SftpServer(
                host=HOST,
                port=port,
                username=user,
                root=root,
                host_key_line=f"[{HOST}]:{port} {host_public}",
                kind="openssh",
                _shutdown=lambda proc=proc: _terminate(proc),
            )
        _terminate(proc)
        output = log_path.read_text(errors="replace")
        if "Address already in use" not in output:
            break
    raise SftpServerError(f"sshd did not start on {HOST}:{port}; its output:\n{output}")


def _wait_for_port(port: int, proc: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.02)
    return False


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    _end_sessions(proc.pid)
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _end_sessions(listener: int) -> None:
    """sshd's per-connection processes outlive the listener (they call setsid); without this
    an open session would keep serving after stop(). Each connection process has a child
    per sftp session, which ignores SIGTERM. Ending the deepest first lets every parent
    reap its own child instead of leaving zombies to init."""
    connections = _child_pids(listener)
    sessions = [child for pid in connections for child in _child_pids(pid)]
    for pids, sig in ((sessions, signal.SIGKILL), (connections, signal.SIGTERM)):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 2
        while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.01)


def _proc_stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (state, ppid, ...), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None  # gone (or no /proc on this system)
    return stat.rsplit(")", 1)[1].split()  # the name in parentheses may hold spaces


def _running(pid: int) -> bool:
    fields = _proc_stat(pid)
    return fields is not None and fields[0] != "Z"  # a zombie no longer serves anything


def _child_pids(parent: int) -> list[int]:
    """Direct children of `parent`, from /proc (Linux; empty elsewhere)."""
    children = []
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _proc_stat(int(entry.name))
        if fields is not None and int(fields[1]) == parent:
            children.append(int(entry.name))
    return children


# --- paramiko ------------------------------------------------------------------------------


class _KeyOnlyAuth(paramiko.ServerInterface):
    """Public-key authentication of one user with one key; sessions only for sftp."""

    def __init__(self, username: str, key_type: str, key_blob: bytes) -> None:
        self.username = username
        self.key_type = key_type
        self.key_blob = key_blob

    def get_allowed_auths(self, username: str) -> str:
        return "publickey"

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        # paramiko verifies the signature itself; we only decide whether the key is allowed.
        if (
            username == self.username
            and key.get_name() == self.key_type
            and key.asbytes() == self.key_blob
        ):
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        if kind == "session":
            return paramiko.OPEN_SUCCEEDED
        return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED


class _Faults:
    """The faults of one server, and what they need: the server's stop event (ends a stall)
    and a way to drop a given connection."""

    def __init__(self, root: str, faults: tuple[ReadFault, ...], stopping: threading.Event):
        self.stopping = stopping
        self.by_path = {os.path.realpath(os.path.join(root, f.path)): f for f in faults}


class _FileHandle(paramiko.SFTPHandle):
    def __init__(
        self,
        flags: int,
        path: str,
        fileobj: Any,
        fault: ReadFault | None = None,
        faults: _Faults | None = None,
        drop: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(flags)
        self.path = path
        self.readfile = fileobj  # SFTPHandle.read/write/close use these two attributes
        self.writefile = fileobj
        self.fault, self.faults, self.drop = fault, faults, drop

    def read(self, offset: int, length: int) -> bytes | int:
        fault = self.fault
        if fault is not None and offset >= fault.after_bytes:
            if fault.action == "stall":
                self.fault = None  # once per opening of the file
                self.faults.stopping.wait(fault.seconds)
            else:
                self.drop()
                return SFTP_FAILURE
        return super().read(offset, length)

    def stat(self) -> paramiko.SFTPAttributes | int:
        try:
            return paramiko.SFTPAttributes.from_stat(os.fstat(self.readfile.fileno()))
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno)

    def chattr(self, attr: paramiko.SFTPAttributes) -> int:
        return _call(paramiko.SFTPServer.set_file_attr, self.path, attr)


def _call(fn: Callable[..., Any], *args: Any) -> int:
    """Run a filesystem call and turn its outcome into an SFTP status code."""
    try:
        fn(*args)
    except OSError as exc:
        return paramiko.SFTPServer.convert_errno(exc.errno)
    return SFTP_OK


def _open_mode(flags: int) -> str:
    if flags & os.O_WRONLY:
        return "ab" if flags & os.O_APPEND else "wb"
    if flags & os.O_RDWR:
        return "a+b" if flags & os.O_APPEND else "r+b"
    return "rb"


class _RootedSFTP(paramiko.SFTPServerInterface):
    """Serves `root` read-write. Relative paths start at the root (as with
    `internal-sftp -d root`); any path resolving outside the root is refused."""

    def __init__(
        self,
        server: paramiko.ServerInterface,
        root: str,
        faults: _Faults | None = None,
        transport: paramiko.Transport | None = None,
    ) -> None:
        super().__init__(server)
        self.root = root
        self.faults = faults
        self.transport = transport

    def _absolute(self, path: str) -> str:
        return posixpath.normpath(posixpath.join(self.root, path))

    def _local(self, path: str, follow: bool = True) -> str | None:
        """The real path for an SFTP path, or None when it leaves the root. With
        follow=False a final symlink is the link itself (lstat, remove, rename)."""
        absolute = self._absolute(path)
        if follow:
            real = os.path.realpath(absolute)
        else:
            parent, name = posixpath.split(absolute)
            real = posixpath.join(os.path.realpath(parent), name)
        if real == self.root or real.startswith(self.root + "/"):
            return real
        return None

    def canonicalize(self, path: str) -> str:
        return self._absolute(path)

    def list_folder(self, path: str) -> list[paramiko.SFTPAttributes] | int:
        local = self._local(path)
        if local is None:
            return SFTP_PERMISSION_DENIED
        try:
            entries = []
            for name in os.listdir(local):
                st = os.lstat(os.path.join(local, name))
                entries.append(paramiko.SFTPAttributes.from_stat(st, name))
            return entries
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno)

    def _stat(self, path: str, follow: bool) -> paramiko.SFTPAttributes | int:
        local = self._local(path, follow)
        if local is None:
            return SFTP_PERMISSION_DENIED
        try:
            st = os.stat(local) if follow else os.lstat(local)
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno)
        return paramiko.SFTPAttributes.from_stat(st, posixpath.basename(local))

    def stat(self, path: str) -> paramiko.SFTPAttributes | int:
        return self._stat(path, follow=True)

    def lstat(self, path: str) -> paramiko.SFTPAttributes | int:
        return self._stat(path, follow=False)

    def open(self, path: str, flags: int, attr: paramiko.SFTPAttributes) -> _FileHandle | int:
        local = self._local(path)
        if local is None:
            return SFTP_PERMISSION_DENIED
        mode = attr.st_mode if attr.st_mode is not None else 0o644
        try:
            fd = os.open(local, flags, mode & 0o7777)
            fileobj = os.fdopen(fd, _open_mode(flags))
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno)
        fault = self.faults.by_path.get(local) if self.faults else None
        drop = self.transport.close if self.transport else None
        return _FileHandle(flags, local, fileobj, fault, self.faults, drop)

    def remove(self, path: str) -> int:
        local = self._local(path, follow=False)
        return SFTP_PERMISSION_DENIED if local is None else _call(os.remove, local)

    def _rename(self, oldpath: str, newpath: str, overwrite: bool) -> int:
        old = self._local(oldpath, follow=False)
        new = self._local(newpath, follow=False)
        if old is None or new is None:
            return SFTP_PERMISSION_DENIED
        if not overwrite and os.path.lexists(new):
            return SFTP_FAILURE  # SFTP v3 rename never replaces (posix-rename does)
        return _call(os.replace, old, new)

    def rename(self, oldpath: str, newpath: str) -> int:
        return self._rename(oldpath, newpath, overwrite=False)

    def posix_rename(self, oldpath: str, newpath: str) -> int:
        return self._rename(oldpath, newpath, overwrite=True)

    def mkdir(self, path: str, attr: paramiko.SFTPAttributes) -> int:
        local = self._local(path, follow=False)
        if local is None:
            return SFTP_PERMISSION_DENIED
        mode = attr.st_mode if attr.st_mode is not None else 0o755
        return _call(os.mkdir, local, mode & 0o7777)

    def rmdir(self, path: str) -> int:
        local = self._local(path, follow=False)
        if local is None or local == self.root:
            return SFTP_PERMISSION_DENIED
        return _call(os.rmdir, local)

    def chattr(self, path: str, attr: paramiko.SFTPAttributes) -> int:
        local = self._local(path)
        if local is None:
            return SFTP_PERMISSION_DENIED
        return _call(paramiko.SFTPServer.set_file_attr, local, attr)


class _ParamikoServer:
    """Accepts connections on a listening socket; each one gets its own thread for the
    handshake, then lives in its paramiko Transport thread."""

    def __init__(
        self,
        root: Path,
        host_key: paramiko.PKey,
        auth: _KeyOnlyAuth,
        faults: tuple[ReadFault, ...] = (),
    ) -> None:
        self.root = str(root)
        self.host_key = host_key
        self.auth = auth
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind((HOST, 0))  # the kernel picks a free port: no race
        self.listener.listen(16)
        self.listener.settimeout(0.1)  # lets the accept loop notice stop()
        self.port: int = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.faults = _Faults(self.root, faults, self.stopping) if faults else None
        self.lock = threading.Lock()
        self.transports: list[paramiko.Transport] = []
        self.threads: list[threading.Thread] = []
        self.acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self.acceptor.start()

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _addr = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # listener closed
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            with self.lock:
                self.threads = [t for t in self.threads if t.is_alive()]
                self.threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(None)  # accepted sockets inherit the listener's short timeout
        transport = paramiko.Transport(conn)
        with self.lock:
            if self.stopping.is_set():
                transport.close()
                return
            self.transports = [t for t in self.transports if t.is_active()]
            self.transports.append(transport)
        transport.add_server_key(self.host_key)
        transport.set_subsystem_handler(
            "sftp", paramiko.SFTPServer, _RootedSFTP, self.root, self.faults, transport
        )
        try:
            transport.start_server(server=self.auth)
        except Exception:  # any failed handshake only ends this one connection
            transport.close()

    def stop(self) -> None:
        self.stopping.set()
        self.listener.close()
        self.acceptor.join(timeout=5)
        with self.lock:
            transports, threads = list(self.transports), list(self.threads)
        for transport in transports:
            transport.close()
        for thread in threads:
            thread.join(timeout=5)


def _start_paramiko(
    root: Path, work_dir: Path, public_key: str, faults: tuple[ReadFault, ...] = ()
) -> SftpServer:
    user = _current_user()
    key_path = work_dir / "ssh_host_ed25519_key"
    host_public = _new_ed25519(key_path)
    host_key = paramiko.Ed25519Key.from_private_key_file(str(key_path))
    key_type, key_blob = _parse_public_key(public_key)
    server = _ParamikoServer(root, host_key, _KeyOnlyAuth(user, key_type, key_blob), faults)
    return SftpServer(
        host=HOST,
        port=server.port,
        username=user,
        root=root,
        host_key_line=f"[{HOST}]:{server.port} {host_public}",
        kind="paramiko",
        _shutdown=server.stop,
    )


__all__ = [
    "ReadFault",
    "SftpServer",
    "SftpServerError",
    "generate_client_key",
    "openssh_available",
    "start_sftp_server",
]
