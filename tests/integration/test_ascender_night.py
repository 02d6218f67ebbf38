"""Ascender end to end: the synthetic district's seven pipe-separated exports on a real SFTP
server on 127.0.0.1 (OpenSSH sshd when installed), ingest into the real DuckDB file, dbt
build, assertions on the marts. The nights are played once per test session, together with
the other SIS's, against one warehouse (tests/integration/conftest.py).

  night 1  a clean Windows-1252 night      -> every generated row is in the marts
  night 2  the same night re-exported as UTF-8 (new bytes, same data)
           -> loaded as new files, the marts hold the same rows, names still byte-exact
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingest.night import NightReport
from ingest.simulation.generators import generate_district

pytestmark = pytest.mark.integration

SIS = "ascender"
STUDENTS = 100  # small enough for CI, large enough for every code path
DATASETS = {"students", "teachers", "courses", "requests", "grades", "gpa", "ibc"}


def _query(db: Path, sql: str, *params):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _statuses(report: NightReport) -> dict[tuple[str, str], str]:
    return {(n.district.id, f.entry["dataset"]): f.status for n in report.nights for f in n.files}


def _reexport_as_utf8(district, folder: Path, night: date) -> None:
    """Night 2: the service center switched the export to UTF-8 (same data, new bytes)."""
    for old in folder.glob("*"):
        old.unlink()
    generate_district(district, folder, night=night, students=STUDENTS, encoding="utf-8")


def after_night(number: int, seen: dict) -> None:
    seen[f"names{number}"] = _names(seen["db"])
    if number == 1:
        seen["ascii1"] = {
            p.name: p.read_bytes().isascii() for g in seen["generated"].values() for p in g.paths
        }


def send_night(number: int, seen: dict) -> list:
    if number != 2:
        return []
    for d in seen["districts"]:
        _reexport_as_utf8(d, seen["generated"][d.id].folder, seen["night_date"])
    return seen["districts"]


@pytest.fixture(scope="module")
def nights(demo_nights):
    """The nights above, played with every other selected SIS's (tests/integration/conftest.py)."""
    return demo_nights[SIS]


def _names(db: Path) -> set[tuple[str, str]]:
    return set(
        _query(db, "select first_name, last_name from marts.dim_student where sis = 'ascender'")
    )


def test_served_by_openssh_when_installed(nights):
    from ingest.simulation.sftp_server import openssh_available

    assert nights["server_kinds"] == ({"openssh"} if openssh_available() else {"paramiko"})


def test_every_file_is_loaded(nights):
    report = nights["night1"]
    assert not report.district_errors
    statuses = _statuses(report)
    for d in nights["districts"]:
        assert {ds for (did, ds) in statuses if did == d.id} == DATASETS
        assert {statuses[(d.id, ds)] for ds in DATASETS} == {"loaded"}
    # every file name follows <CDN>_<DATASET>_<YYYYMMDD>.txt; a file with accented names is
    # Windows-1252, a pure-ASCII one is (also) valid UTF-8 and recorded as such
    entries = [f.entry for n in report.nights for f in n.files]
    assert sorted(e["file_name"] for e in entries) == sorted(nights["ascii1"])
    for e in entries:
        assert e["file_name"].startswith("057999_") and e["file_name"].endswith("_20261127.txt")
        expected = "utf-8" if nights["ascii1"][e["file_name"]] else "windows-1252"
        assert e["encoding"] == expected, e["file_name"]
        assert e["delimiter"] == "|"
    assert {e["encoding"] for e in entries} == {"utf-8", "windows-1252"}


def test_marts_hold_every_generated_row(nights):
    report = nights["night1"]
    assert report.build.success and not report.build.errors, report.build.errors
    for district_id, generated in nights["generated"].items():
        got = report.mart_rows[district_id]
        assert set(generated.expected_marts) == set(got)
        for mart, rows in generated.expected_marts.items():
            assert rows > 0, mart
            assert got[mart] == rows, (district_id, mart, got[mart], rows)
        assert report.rejected_rows[district_id] == 0


def test_accented_names_are_byte_exact_from_windows_1252(nights):
    names = nights["names1"]
    assert ("José", "Peña") in names and ("Zoë", "O’Brien") in names
    # the first student of the file is José Peña, on line 2 under the header
    assert _query(
        nights["db"],
        "select min(_row_number) from raw_ascender.students "
        "where first_name = 'José' and last_name = 'Peña'",
    ) == [(2,)]
    first, last = next(n for n in names if n[1] == "Peña" and n[0] == "José")
    assert (first.encode(), last.encode()) == (b"Jos\xc3\xa9", b"Pe\xc3\xb1a")


def test_both_campus_forms_land_on_the_same_school(nights):
    rows = _query(
        nights["db"],
        """
        select raw.campus_id, student.school_id, school.state_school_id
        from raw_ascender.students as raw
        inner join marts.dim_student as student
            on raw._district_id = student.district_id and raw.student_id = student.student_id
        inner join marts.dim_school as school
            on student.k_school = school.k_school
        """,
    )
    assert len(rows) >= STUDENTS
    forms: dict[str, set[str]] = {}
    for campus_id, school_id, state_school_id in rows:
        assert campus_id in (school_id, state_school_id)
        forms.setdefault(school_id, set()).add(campus_id)
    # every campus with students arrived in both forms and resolved to one dim_school row
    assert forms and all(len(seen) == 2 for seen in forms.values()), forms
    assert {len(c) for seen in forms.values() for c in seen} == {3, 9}
    orphans = _query(
        nights["db"],
        "select count(*) from marts.dim_student where k_school not in "
        "(select k_school from marts.dim_school) and sis = 'ascender'",
    )
    assert orphans == [(0,)]


def test_alternate_requests_carry_their_rank(nights):
    rows = _query(
        nights["db"],
        """
        select raw.request_type, raw.alt_priority, request.is_alternate, request.request_rank
        from raw_ascender.requests as raw
        inner join marts.fct_course_request as request
            on
                raw._district_id = request.district_id
                and raw.student_id = request.student_id
                and raw.course_nbr = request.course_code
                and cast(raw.school_year as integer) = request.school_year
        """,
    )
    assert len(rows) == sum(
        g.expected_marts["fct_course_request"] for g in nights["generated"].values()
    )
    alternates = [r for r in rows if r[0] == "A"]
    primaries = [r for r in rows if r[0] == "P"]
    assert alternates and primaries
    assert all(alt and rank == int(priority) for _, priority, alt, rank in alternates)
    assert {rank for *_, rank in alternates} == {1, 2}
    assert all(alt is False and rank is None for _, _, alt, rank in primaries)
    # requests are for next school year, and their courses are in dim_course for that year
    assert _query(
        nights["db"],
        "select distinct school_year, count(*) filter (where k_course not in "
        "(select k_course from marts.dim_course)) from marts.fct_course_request "
        "where sis = 'ascender' group by all",
    ) == [(2028, 0)]


def test_ibc_rows_land_in_certifications(nights):
    for district_id, generated in nights["generated"].items():
        rows = _query(
            nights["db"],
            """
            select student.first_name, student.last_name, cert.certification_code, cert.vendor
            from marts.fct_student_certification as cert
            inner join marts.dim_student as student on cert.k_student = student.k_student
            where cert.district_id = ?
            """,
            district_id,
        )
        assert len(rows) == generated.expected_marts["fct_student_certification"] > 0
        assert any((first, last) == ("José", "Peña") for first, last, *_ in rows)
        assert all(len(vendor) == 5 and vendor.isdigit() for *_, vendor in rows)


def test_grades_carry_ascender_specifics(nights):
    rows = _query(
        nights["db"],
        """
        select term_code, count(*), count(grade_level_when_taken), count(letter_grade)
        from marts.fct_student_grade where sis = 'ascender' group by all order by 1
        """,
    )
    terms = {term: (n, with_level, letters) for term, n, with_level, letters in rows}
    assert set(terms) == {"S1", "S2"}
    assert all(n == with_level for n, with_level, _ in terms.values())  # GradeLevel kept
    assert sum(letters for *_, letters in terms.values()) > 0  # P / F / I / NG codes


def test_utf8_reexport_loads_the_same_rows(nights):
    report = nights["night2"]
    # files with accented names change bytes and load again; ASCII-only files are
    # byte-identical in both encodings, so they are duplicates and yesterday's load stays
    statuses = {f.entry["file_name"]: f.status for n in report.nights for f in n.files}
    assert statuses == {
        name: "duplicate" if ascii_only else "loaded"
        for name, ascii_only in nights["ascii1"].items()
    }
    assert "loaded" in statuses.values()
    assert report.build.success and not report.build.errors, report.build.errors
    assert report.mart_rows == nights["night1"].mart_rows
    assert all(n == 0 for n in report.rejected_rows.values())
    assert nights["names2"] == nights["names1"]
    # the night's files are the latest good ones now, all read as UTF-8
    encodings = _query(
        nights["db"],
        "select distinct manifest.encoding from pathways_meta.file_manifest as manifest "
        "inner join staging.stg_pathways__latest_good_files as latest "
        "on manifest.file_sha256 = latest.file_sha256 and manifest.load_id = latest.load_id "
        "where latest.sis = 'ascender'",
    )
    assert encodings == [("utf-8",)]
