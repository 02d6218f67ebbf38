"""The one pass over a file's bytes while it is copied (readers.FileScan): the same answers as
reading the whole file at once, wherever the chunks happen to end."""

from __future__ import annotations

import errno
import hashlib
import os
import random
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from ingest.readers import FileProblem, FileScan, LineCount, count_lines, scan_bytes
from ingest.registry import District
from ingest.transfer import LocalSource, RemoteFile

DECLARED = ("utf-8", "windows-1252")


@pytest.fixture
def every_chunk(monkeypatch):
    """Scan each chunk as it comes (no gathering into blocks), hashing in the thread."""
    monkeypatch.setattr(FileScan, "BLOCK", 1)


def _scan(chunks: list[bytes], *, line_ends: bool = False) -> FileScan:
    scan = FileScan(line_ends=line_ends)
    try:
        for chunk in chunks:
            scan.update(chunk)
        return scan.finish()
    finally:
        scan.close()


def _split(data: bytes, *cuts: int) -> list[bytes]:
    edges = [0, *cuts, len(data)]
    return [data[a:b] for a, b in zip(edges, edges[1:], strict=False)]


def _whole(tmp_path, data: bytes) -> tuple:
    path = tmp_path / "whole.csv"
    path.write_bytes(data)
    try:
        encoding = scan_bytes(path, DECLARED).encoding
    except FileProblem:
        encoding = None
    return encoding, count_lines(path)


@pytest.mark.usefixtures("every_chunk")
@pytest.mark.parametrize("cut", range(1, 9))
def test_a_character_split_across_chunks_is_still_utf8(cut):
    data = "ab,Peña\r\n".encode()  # ñ is bytes 6 and 7
    scan = _scan(_split(data, cut))
    assert scan.byte_scan(DECLARED).encoding == "utf-8"
    assert scan.byte_scan(DECLARED).sha256 == hashlib.sha256(data).hexdigest()
    assert scan.size == len(data)


@pytest.mark.usefixtures("every_chunk")
def test_ascii_after_a_split_character_is_still_decoded():
    # the start of ñ, ASCII, then the rest of ñ: invalid, though each ASCII chunk alone is fine
    chunks = [b"ab,Pe\xc3", b"xyz\r\n", b"\xb1a\r\n"]
    assert _scan(chunks).byte_scan(DECLARED).encoding == "windows-1252"
    with pytest.raises(FileProblem, match="not valid UTF-8"):
        _scan(chunks).byte_scan(("utf-8",))


@pytest.mark.usefixtures("every_chunk")
def test_a_lone_continuation_byte_or_a_cut_character_is_not_utf8():
    assert _scan([b"abc\r\n", b"\x80def\r\n"]).byte_scan(DECLARED).encoding == "windows-1252"
    assert _scan([b"abc\r\n", b"d\xc3"]).byte_scan(DECLARED).encoding == "windows-1252"


@pytest.mark.usefixtures("every_chunk")
def test_a_bom_split_across_chunks_is_seen():
    assert _scan([b"\xef", b"\xbb\xbfa,b\r\n"]).byte_scan(DECLARED).encoding == "utf-8-sig"
    utf16 = "a,b\r\n".encode("utf-16")
    assert _scan(_split(utf16, 1)).byte_scan(("utf-16",)).encoding == "utf-16"


@pytest.mark.usefixtures("every_chunk")
@pytest.mark.parametrize(
    ("chunks", "mixed"),
    [
        ([b"h\r", b"\n1\r\n2\r\n"], False),  # CRLF split across chunks
        ([b"h\r", b"\n1\n2\r\n"], True),
        ([b"h\r\n1\r", b"\n2\n"], True),
        ([b"h\n1\n", b"2\n"], False),
    ],
)
def test_crlf_split_across_chunks(chunks, mixed):
    lines = _scan(chunks, line_ends=True).line_count()
    assert lines == LineCount(3, 0, True, mixed)
    assert _scan(chunks).line_count().mixed_line_ends is None  # not looked at unless asked


@pytest.mark.usefixtures("every_chunk")
def test_no_final_newline_and_trailing_empty_lines():
    assert _scan([b"h\r\n1\r", b"\n2"]).line_count() == LineCount(3, 0, False, None)
    assert _scan([b"h\r\n1\r\n\r", b"\n", b"\r\n"]).line_count() == LineCount(4, 2, True, None)
    assert _scan([]).line_count() == LineCount(0, 0, True, None)


def test_random_splits_match_the_whole_file(tmp_path, monkeypatch):
    rng = random.Random(10)
    pieces = [b"a", b",", b"\r\n", b"\n", b"\r", "é".encode(), "’".encode(), b"\xe9", b"\xff"]
    for block in (1, 7, 1 << 20):
        monkeypatch.setattr(FileScan, "BLOCK", block)
        for _ in range(150):
            data = b"".join(rng.choices(pieces, weights=[30, 5, 5, 3, 1, 3, 2, 1, 1], k=60))
            cuts = sorted(rng.sample(range(1, len(data)), rng.randint(0, 6)))
            scan = _scan(_split(data, *cuts), line_ends=True)
            encoding, lines = _whole(tmp_path, data)
            try:
                assert scan.byte_scan(DECLARED).encoding == encoding
            except FileProblem:
                assert encoding is None
            assert scan.line_count() == lines, (data, cuts)
            assert scan.finish()._digest.hexdigest() == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("kernel_copy", ["works", "other file system"])
def test_the_copy_of_a_local_file_comes_with_its_scan(tmp_path, monkeypatch, kernel_copy):
    if kernel_copy == "other file system":

        def refused(*args):
            raise OSError(errno.EXDEV, "Invalid cross-device link")

        monkeypatch.setattr(os, "copy_file_range", refused)
    folder = tmp_path / "drop"
    folder.mkdir()
    # several copy chunks, the last one short
    data = ("Other ID,Name\r\n" + "000123,Peña\r\n" * 1_000_003).encode()
    (folder / "students.csv").write_bytes(data)
    district = District(
        id="d1",
        name="D1",
        state="IN",
        state_district_id="0001",
        sis="skyward_sms",
        status="live",
        timezone="America/Chicago",
        transfer={"method": "local", "folder": str(folder)},
    )
    scan = FileScan()
    with LocalSource(district) as source:
        (listed,) = source.list_files()
        copy = source.download(listed, tmp_path / "copy.csv", scan)
    assert copy.read_bytes() == data
    assert scan.byte_scan(DECLARED) == scan_bytes(copy, DECLARED)
    assert scan.line_count() == replace(count_lines(copy), mixed_line_ends=None)
    # a failed copy leaves no thread behind
    broken = FileScan()
    missing = RemoteFile("gone.csv", str(folder / "gone.csv"), 1, datetime.now(UTC))
    with LocalSource(district) as source, pytest.raises(Exception, match="gone.csv"):
        source.download(missing, tmp_path / "gone.csv", broken)
    broken.close()
