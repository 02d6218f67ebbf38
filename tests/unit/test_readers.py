"""The generic readers: encoding, line counting, header check and the DuckDB parse."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.declarations import declarations_for
from ingest.readers import (
    FileProblem,
    LineCount,
    ParseResult,
    check_header,
    count_lines,
    count_records,
    empty_line_numbers,
    parse_batches,
    read_first_line,
    scan_bytes,
    to_utf8,
)

DECLS = {d.dataset: d for d in declarations_for("skyward_sms")}
STUDENTS_HEADER = ",".join(DECLS["students"].columns)
JOSE = "1,000123,Peña,José,,01/02/2010,M,001,09,2029,A,1234567890,"
ZOE = "2,000124,O’Brien,Zoë,Renée,02/03/2011,F,001,9,2030,A,1234567891,"
LINEAGE = {
    "_district_id": "d1",
    "_source_file": "students.csv",
    "_file_sha256": "abc",
    "_loaded_at": datetime(2026, 11, 28, 7, tzinfo=UTC),
}


def _write(tmp_path: Path, data: bytes, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "lines", "trailing", "empty"),
    [
        (b"a\r\nb\r\n", 2, 0, ()),
        (b"a\r\nb\r\n\r\n\r\n", 4, 2, (3, 4)),
        (b"a\nb", 2, 0, ()),
        (b"a\n\n\nb\n\n", 5, 1, (2, 3, 5)),
        (b"h\r\n1\r\n\r\n2\r\n", 4, 0, (3,)),
        (b"", 0, 0, ()),
    ],
)
def test_count_lines(tmp_path, data, lines, trailing, empty):
    path = _write(tmp_path, data)
    assert count_lines(path) == LineCount(lines, trailing, not data or data.endswith(b"\n"))
    assert empty_line_numbers(path, lines) == empty


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("cp1252", "windows-1252"),
    ],
)
def test_encoding_is_detected_and_accents_survive(tmp_path, encoding, detected):
    text = f"{STUDENTS_HEADER}\r\n{JOSE}\r\n{ZOE}\r\n"
    path = _write(tmp_path, text.encode(encoding))
    scan = scan_bytes(path, ("utf-8", "windows-1252"))
    assert scan.encoding == detected
    utf8 = to_utf8(path, scan.encoding, tmp_path / "out.csv")
    result = ParseResult()
    table = next(parse_batches(utf8, DECLS["students"], LINEAGE, result))
    assert table.column("last_name").to_pylist() == ["Peña", "O’Brien"]
    assert table.column("first_name").to_pylist() == ["José", "Zoë"]


def test_undecodable_byte_names_the_line(tmp_path):
    # 0x81 is undefined in Windows-1252 and invalid UTF-8
    path = _write(tmp_path, f"{STUDENTS_HEADER}\r\n{JOSE}\r\n".encode("cp1252") + b"x\x81y\r\n")
    scan = scan_bytes(path, ("utf-8", "windows-1252"))
    with pytest.raises(FileProblem, match=r"line 3: byte 0x81 is not valid windows-1252"):
        to_utf8(path, scan.encoding, tmp_path / "out.csv")


def test_non_utf8_file_is_refused_when_only_utf8_is_declared(tmp_path):
    path = _write(tmp_path, JOSE.encode("cp1252"))
    with pytest.raises(FileProblem, match="not valid UTF-8"):
        scan_bytes(path, ("utf-8",))


def test_header_must_match_the_declaration(tmp_path):
    check_header(DECLS["students"], STUDENTS_HEADER)  # as declared: fine
    renamed = STUDENTS_HEADER.replace("Grad Yr", "Graduation Year")
    with pytest.raises(
        FileProblem, match=r"line 1: .*not found: \['Grad Yr'\].*unknown names at positions \[10\]"
    ) as renamed_error:
        check_header(DECLS["students"], renamed)
    assert "Graduation Year" not in str(renamed_error.value)  # positions, never found values
    swapped = STUDENTS_HEADER.replace("Last Name,First Name", "First Name,Last Name")
    with pytest.raises(FileProblem, match="out of order"):
        check_header(DECLS["students"], swapped)
    bom = _write(tmp_path, ("\ufeff" + STUDENTS_HEADER + "\r\n").encode("utf-8"))
    assert read_first_line(bom) == STUDENTS_HEADER
    check_header(DECLS["course_crosswalk"], "001,0532,Algebra I,03100500,1.0")  # no header


def test_a_missing_header_never_echoes_the_student_row():
    with pytest.raises(FileProblem, match="is the header missing") as error:
        check_header(DECLS["students"], JOSE)
    for value in ("Peña", "José", "000123", "1234567890"):
        assert value not in str(error.value)
    with pytest.raises(FileProblem, match="header"):  # a NUL byte does not crash the check
        check_header(DECLS["students"], JOSE.replace(",", "\x00,"))


@pytest.mark.parametrize("declared", [("utf-8", "utf-16"), ("utf-8",)])
def test_utf16_without_a_bom_is_recognised(tmp_path, declared):
    text = STUDENTS_HEADER + "\r\n" + JOSE + "\r\n"
    path = _write(tmp_path, text.encode("utf-16-le"))  # no BOM: valid UTF-8 byte-wise
    if "utf-16" in declared:
        scan = scan_bytes(path, declared)
        assert scan.encoding == "utf-16-le"
        utf8 = to_utf8(path, scan.encoding, tmp_path / "out.csv")
        assert read_first_line(utf8) == STUDENTS_HEADER
    else:
        with pytest.raises(FileProblem, match="UTF-16 text without a byte-order mark"):
            scan_bytes(path, declared)


def test_mixed_line_ends_are_told(tmp_path):
    assert count_lines(_write(tmp_path, b"h\r\n1\n2\r\n")).mixed_line_ends
    assert not count_lines(_write(tmp_path, b"h\r\n1\r\n2\r\n")).mixed_line_ends
    assert not count_lines(_write(tmp_path, b"h\n1\n2\n")).mixed_line_ends


def test_parse_rejects_are_one_per_line_with_the_column(tmp_path):
    cut = JOSE.split(",")[:3]  # a line cut after three fields: DuckDB reports each column
    text = "\r\n".join([STUDENTS_HEADER, JOSE, ",".join(cut), ZOE, ""])
    result = ParseResult()
    list(parse_batches(_write(tmp_path, text.encode()), DECLS["students"], LINEAGE, result))
    assert [(r["line_number"], r["column_name"]) for r in result.rejects] == [(3, "first_name")]


def test_parse_keeps_text_leading_zeros_rejects_and_line_numbers(tmp_path):
    text = "\r\n".join([STUDENTS_HEADER, JOSE, "", "3,000125,Too,Many,,,,,,,,,,EXTRA", ZOE, ""])
    path = _write(tmp_path, text.encode("utf-8"))
    result = ParseResult()
    tables = list(parse_batches(path, DECLS["students"], LINEAGE, result))
    assert result.done and result.rows == 2
    assert [(r["line_number"], r["error_type"]) for r in result.rejects] == [
        (4, "TOO MANY COLUMNS")
    ]
    table = tables[0]
    assert table.column("other_id").to_pylist() == ["000123", "000124"]
    assert table.column("entity_id").to_pylist() == ["001", "001"]
    assert table.column("_district_id").to_pylist() == ["d1", "d1"]
    # provisional numbers (data row + header); skipped lines 3 and 4 are applied after the load
    assert table.column("_row_number").to_pylist() == [2, 3]


def test_headerless_crosswalk_keeps_quoted_commas(tmp_path):
    path = _write(tmp_path, b'001,0532,"Algebra I, Part 1",03100500,1.0\r\n')
    result = ParseResult()
    (table,) = parse_batches(path, DECLS["course_crosswalk"], LINEAGE, result)
    assert table.column("course_description").to_pylist() == ["Algebra I, Part 1"]
    assert table.column("course_key").to_pylist() == ["0532"]
    assert table.column("_row_number").to_pylist() == [1]


def test_unclosed_quote_is_not_accepted_as_a_value(tmp_path):
    text = "\r\n".join([STUDENTS_HEADER, JOSE, '3,000125,"Unclosed,x,,,,,,,,,', ZOE, ""])
    path = _write(tmp_path, text.encode("utf-8"))
    result = ParseResult()
    rows = sum(t.num_rows for t in parse_batches(path, DECLS["students"], LINEAGE, result))
    # the broken record swallows the rest: rows + rejects fall short of the 3 data lines,
    # which the pipeline turns into a rejected file
    assert rows == 1
    assert rows + len({r["line_number"] for r in result.rejects}) < 3


def _decl(**changes):
    from dataclasses import replace

    return replace(DECLS["course_crosswalk"], **changes)


def test_utf16_with_bom_is_told_by_its_bom(tmp_path):
    text = "001\t0532\tÁlgebra I\t03100500\t1.0\r\n"
    path = _write(tmp_path, text.encode("utf-16"))  # BOM + UTF-16LE on this machine
    scan = scan_bytes(path, ("utf-16",))
    assert scan.encoding == "utf-16"
    utf8 = to_utf8(path, scan.encoding, tmp_path / "out.csv")
    decl = _decl(delimiter="\t", quote="")
    (table,) = parse_batches(utf8, decl, LINEAGE, ParseResult())
    assert table.column("course_description").to_pylist() == ["Álgebra I"]


def test_unquoted_files_keep_quote_characters_as_text(tmp_path):
    path = _write(tmp_path, b'001\t0532\tSay "hi", 6" ruler\t03100500\t1.0\r\n')
    (table,) = parse_batches(path, _decl(delimiter="\t", quote=""), LINEAGE, ParseResult())
    assert table.column("course_description").to_pylist() == ['Say "hi", 6" ruler']


def test_record_terminator_counts_records_not_lines(tmp_path):
    decl = _decl(header=True, record_terminator="#!#")
    header = ",".join([*decl.columns, "#!#"])
    text = (
        f"{header}\r\n"
        '001,0532,"Algebra I\r\nsecond line of the description",03100500,1.0,#!#\r\n'
        "001,0533,Geometry,03100700,1.0,#!#\r\n"
    )
    path = _write(tmp_path, text.encode("cp1252"))
    check_header(decl, read_first_line(path))  # the terminator column is not a data column
    assert count_records(path, "#!#") == 3  # header + 2 records over 4 lines
    result = ParseResult()
    (table,) = parse_batches(path, decl, LINEAGE, result)
    assert table.column("course_description").to_pylist() == [
        "Algebra I\r\nsecond line of the description",
        "Geometry",
    ]
    assert "_record_end" not in table.column_names
    assert table.column("_row_number").to_pylist() == [2, 3]  # record numbers
    assert result.rejects == []


def test_last_record_without_line_end_still_counts(tmp_path):
    path = _write(tmp_path, b"a,#!#\r\nb,#!#")
    assert count_records(path, "#!#") == 2
