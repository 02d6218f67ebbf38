"""Transfer settings and local drop folders: listings, symlinks, fifos, restat. No server."""

import os
import stat
import threading
from dataclasses import replace

import pytest

from ingest.registry import load_registry
from ingest.transfer import (
    CONNECT_TIMEOUT,
    IO_TIMEOUT,
    LocalSource,
    RemoteFile,
    SftpSource,
    TransferError,
    transfer_setting,
)

SENTINEL = b"student_id,last_name\n1001,Zzyzx-Sentinel\n"


def _district(**transfer):
    district = next(d for d in load_registry() if d.sis == "skyward_sms")
    return replace(district, transfer={"method": "local", **transfer})


def _within(seconds, fn):
    """fn() in a thread; fail (instead of hanging the suite) when it takes too long."""
    out = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as err:  # noqa: BLE001 - handed to the test thread
            out["error"] = err

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s"
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_local_folder_lists_files_and_term_subfolders(tmp_path):
    (tmp_path / "2026_S2").mkdir()
    (tmp_path / "2027_S1").mkdir()
    for name in ("2026_S2/students.csv", "2027_S1/students.csv", "readme.txt"):
        (tmp_path / name).write_text("x")
    with LocalSource(_district(folder=str(tmp_path))) as source:
        names = [f.name for f in source.list_files()]
    assert names == ["2026_S2/students.csv", "2027_S1/students.csv", "readme.txt"]


def test_environment_overrides_the_registry(monkeypatch):
    district = _district(folder="registry-folder", port=22)
    assert transfer_setting(district, "folder") == "registry-folder"
    monkeypatch.setenv(f"DISTRICTS__{district.id.upper()}__TRANSFER__FOLDER", "from-env")
    assert transfer_setting(district, "folder") == "from-env"
    assert transfer_setting(district, "missing", "fallback") == "fallback"


def test_timeouts_default_and_override_per_district(monkeypatch):
    sftp = replace(_district(), transfer={"method": "sftp", "host": "127.0.0.1"})
    source = SftpSource(sftp)  # no connection before `with`
    assert (source.connect_timeout, source.io_timeout) == (CONNECT_TIMEOUT, IO_TIMEOUT) == (30, 120)
    source = SftpSource(replace(sftp, transfer={**sftp.transfer, "io_timeout": 5}))
    assert source.io_timeout == 5
    monkeypatch.setenv(f"DISTRICTS__{sftp.id.upper()}__TRANSFER__CONNECT_TIMEOUT", "7.5")
    assert SftpSource(sftp).connect_timeout == 7.5
    for bad in ("soon", 0, -1):
        with pytest.raises(TransferError, match=f"{sftp.id}.*io_timeout must be a positive"):
            SftpSource(replace(sftp, transfer={**sftp.transfer, "io_timeout": bad}))


@pytest.fixture
def folders(tmp_path):
    """A district's folder holding a regular file and links to another district's file, to
    a file outside every district folder, and to another district's whole folder."""
    ours = tmp_path / "drop" / "district_a"
    theirs = tmp_path / "drop" / "district_b"
    ours.mkdir(parents=True)
    theirs.mkdir(parents=True)
    (theirs / "students_20261127.csv").write_bytes(SENTINEL)
    (tmp_path / "outside.csv").write_bytes(SENTINEL)
    (ours / "students_20261127.csv").write_bytes(b"student_id\n1\n")
    (ours / "grades_20261127.csv").symlink_to(theirs / "students_20261127.csv")
    (ours / "courses_20261127.csv").symlink_to(tmp_path / "outside.csv")
    (ours / "2026_S1").symlink_to(theirs, target_is_directory=True)
    return ours, theirs


def test_local_symlinks_are_listed_flagged_and_refused(tmp_path, folders):
    ours, _ = folders
    with LocalSource(_district(folder=str(ours))) as source:
        listed = {f.name: f for f in source.list_files()}
        # the linked folder is one flagged entry, not descended into
        assert {n: f.is_symlink for n, f in listed.items()} == {
            "2026_S1": True,
            "courses_20261127.csv": True,
            "grades_20261127.csv": True,
            "students_20261127.csv": False,
        }
        for name in ("2026_S1", "courses_20261127.csv", "grades_20261127.csv"):
            with pytest.raises(TransferError, match="is a symbolic link; only regular") as err:
                source.download(listed[name], tmp_path / "copy.csv")
            assert "Zzyzx" not in str(err.value)
            assert not (tmp_path / "copy.csv").exists()
        copy = source.download(listed["students_20261127.csv"], tmp_path / "copy.csv")
    assert copy.read_bytes() == b"student_id\n1\n"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600  # owner-only whatever the umask
    assert list(tmp_path.glob("*.partial")) == []


def test_local_link_swapped_in_after_listing_is_refused(tmp_path, folders):
    ours, theirs = folders
    with LocalSource(_district(folder=str(ours))) as source:
        (listed,) = [f for f in source.list_files() if not f.is_symlink]
        target = ours / listed.name
        target.unlink()
        target.symlink_to(theirs / "students_20261127.csv")
        with pytest.raises(TransferError, match="symbolic link|outside the district's folder"):
            source.download(listed, tmp_path / "copy.csv")
        # a link inside the folder, to a file inside it, is refused all the same (O_NOFOLLOW)
        (ours / "real.csv").write_bytes(b"x")
        target.unlink()
        target.symlink_to(ours / "real.csv")
        with pytest.raises(TransferError, match="is a symbolic link"):
            source.download(replace(listed, size_bytes=1), tmp_path / "copy.csv")
        # so is a file reached through a linked folder, even one inside the district's folder
        (ours / "2026_S2").mkdir()
        (ours / "2026_S2" / "grades.csv").write_bytes(b"x")
        (ours / "2026_S3").symlink_to(ours / "2026_S2", target_is_directory=True)
        path = ours / "2026_S3" / "grades.csv"
        through = replace(listed, name="2026_S3/grades.csv", remote_path=str(path), size_bytes=1)
        with pytest.raises(TransferError, match="2026_S3/grades.csv is a symbolic link"):
            source.download(through, tmp_path / "copy.csv")
    assert not (tmp_path / "copy.csv").exists()


def test_local_paths_outside_the_folder_are_refused(tmp_path, folders):
    ours, theirs = folders
    with LocalSource(_district(folder=str(ours))) as source:
        (listed,) = [f for f in source.list_files() if not f.is_symlink]
        for path in (theirs / "students_20261127.csv", ours / ".." / "district_b" / "x.csv"):
            with pytest.raises(TransferError, match="outside the district's folder"):
                source.download(replace(listed, remote_path=str(path)), tmp_path / "c.csv")


def test_local_fifo_is_skipped_without_hanging(tmp_path):
    (tmp_path / "2026_S1").mkdir()
    os.mkfifo(tmp_path / "students_20261127.csv")  # opening it for reading would block
    os.mkfifo(tmp_path / "2026_S1" / "grades.csv")
    (tmp_path / "courses_20261127.csv").write_text("x")
    with LocalSource(_district(folder=str(tmp_path))) as source:
        names = [f.name for f in _within(5, source.list_files)]
        assert names == ["courses_20261127.csv"]
        # handed a fifo anyway, download refuses it without waiting for a writer
        path = tmp_path / "students_20261127.csv"
        fifo = RemoteFile(path.name, str(path), 0, source.list_files()[0].modified_at)
        with pytest.raises(TransferError, match="not a regular file"):
            _within(5, lambda: source.download(fifo, tmp_path / "copy.csv"))


def test_local_restat_sees_size_and_mtime_change(tmp_path):
    path = tmp_path / "students_20261127.csv"
    path.write_bytes(b"student_id\n1\n")
    os.utime(path, (1_000_000_000, 1_000_000_000))
    with LocalSource(_district(folder=str(tmp_path))) as source:
        (listed,) = source.list_files()
        assert source.restat(listed) == listed  # unchanged: stable
        with path.open("ab") as f:
            f.write(b"2\n")
        grown = source.restat(listed)
        assert grown.size_bytes == listed.size_bytes + 2
        assert grown.name == listed.name and grown.remote_path == listed.remote_path
        os.utime(path, (1_000_000_000, 1_000_000_000))
        path.write_bytes(b"student_id\n9\n")  # same size, rewritten: the mtime moves
        assert source.restat(listed).modified_at > listed.modified_at
        # a file that changes between listing and copying is not passed on as complete
        with pytest.raises(TransferError, match="received 13 bytes of 15"):
            source.download(grown, tmp_path / "copy.csv")
        path.unlink()
        with pytest.raises(TransferError, match="cannot check students_20261127.csv"):
            source.restat(listed)
    assert not (tmp_path / "copy.csv").exists()
