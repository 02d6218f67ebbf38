"""Harmony end to end: a district's SFTP folder holding two term folders (the previous and
the current term's upload), a real SFTP server on 127.0.0.1 (OpenSSH sshd when installed),
ingest into the real DuckDB file, dbt build, assertions on the marts. The nights are played
once per test session, together with the other SIS's, against one warehouse
(tests/integration/conftest.py).

  night 1  both term folders are new      -> every file loads; the marts hold the newest term
  night 2  the same folders, sent again   -> every file is a duplicate, nothing changes
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingest.night import NightReport

pytestmark = pytest.mark.integration

SIS = "harmony"
STUDENTS = 100
# the night (tests/integration/conftest.py) is 2026-11-27, in the fall: the previous term is
# 2026_S2, the current 2027_S1
PREVIOUS, CURRENT = "2026_S2", "2027_S1"
DATASETS = ("students", "teachers", "courses", "course_requests", "grades", "gpa")


def _query(db: Path, sql: str, *params):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _statuses(report: NightReport) -> dict[tuple[str, str], str]:
    return {(n.district.id, f.entry["file_name"]): f.status for n in report.nights for f in n.files}


def _ids(path: Path) -> set[str]:
    """StudentIDs of a generated students.csv (third column, header skipped)."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return {line.split(",")[2] for line in lines if line}


def send_night(number: int, seen: dict) -> list:
    # night 2: the server still holds both folders: nothing is new
    return seen["districts"] if number == 2 else []


@pytest.fixture(scope="module")
def nights(demo_nights):
    """The nights above, played with every other selected SIS's (tests/integration/conftest.py)."""
    return demo_nights[SIS]


def test_served_by_openssh_when_installed(nights):
    from ingest.simulation.sftp_server import openssh_available

    assert nights["server_kinds"] == ({"openssh"} if openssh_available() else {"paramiko"})


def test_first_night_loads_both_term_folders(nights):
    report = nights["night1"]
    assert not report.district_errors
    for d in nights["districts"]:
        statuses = {name: s for (did, name), s in _statuses(report).items() if did == d.id}
        expected = {f"{term}/{ds}.csv" for term in (PREVIOUS, CURRENT) for ds in DATASETS}
        assert statuses == dict.fromkeys(expected, "loaded")


def test_marts_hold_the_current_term_only(nights):
    report = nights["night1"]
    assert report.build.success and not report.build.errors, report.build.errors
    for district_id, generated in nights["generated"].items():
        got = report.mart_rows[district_id]
        for mart, rows in generated.expected_marts.items():
            assert got[mart] == rows, (district_id, mart, got[mart], rows)
        assert report.rejected_rows[district_id] == 0
        assert got["dim_staff"] > 0 and got["fct_course_request"] > 0


def test_staging_reads_the_newest_term_folder(nights):
    in_use = _query(
        nights["db"],
        "select district_id, dataset, file_name from staging.stg_pathways__latest_good_files "
        "where sis = 'harmony' order by all",
    )
    assert in_use == sorted(
        (d.id, ds, f"{CURRENT}/{ds}.csv") for d in nights["districts"] for ds in DATASETS
    )
    terms = _query(
        nights["db"],
        "select distinct snapshot_term, snapshot_date from staging.stg_harmony__students",
    )
    assert terms == [(CURRENT, nights["night_date"])]
    summary = _query(
        nights["db"],
        "select file_name, is_in_use from validation.load_summary "
        "where sis = 'harmony' and status = 'loaded'",
    )
    assert {f for f, used in summary if used} == {f"{CURRENT}/{ds}.csv" for ds in DATASETS}
    assert {f for f, used in summary if not used} == {f"{PREVIOUS}/{ds}.csv" for ds in DATASETS}


def test_a_student_of_the_older_term_only_is_not_in_dim_student(nights):
    for district_id, generated in nights["generated"].items():
        folder = generated.folder
        left = _ids(folder / PREVIOUS / "students.csv") - _ids(folder / CURRENT / "students.csv")
        assert left  # the generator always has some
        in_marts = {
            sid
            for (sid,) in _query(
                nights["db"],
                "select student_id from marts.dim_student where district_id = ?",
                district_id,
            )
        }
        assert in_marts == _ids(folder / CURRENT / "students.csv")
        assert not left & in_marts
        # and none of their marks, requests or GPA either
        for mart in ("fct_student_grade", "fct_course_request", "fct_student_gpa"):
            orphans = _query(
                nights["db"],
                f"select count(*) from marts.{mart} where district_id = ? and student_id in "
                f"({', '.join('?' for _ in left)})",
                district_id,
                *sorted(left),
            )
            assert orphans == [(0,)], mart


def test_gpa_is_as_of_the_upload_term_and_grades_keep_their_own(nights):
    db = nights["db"]
    assert _query(
        db,
        "select distinct school_year, term_code from marts.fct_student_gpa where sis = 'harmony'",
    ) == [(2027, "S1")]
    years = _query(
        db,
        "select min(school_year), max(school_year) from marts.fct_student_grade "
        "where sis = 'harmony'",
    )
    assert years[0][0] < 2027 == years[0][1]
    assert _query(
        db,
        "select count(*) from marts.fct_student_grade where sis = 'harmony' "
        "and grade_level_when_taken is null",
    ) == [(0,)]


def test_both_campus_id_forms_resolve_to_registry_schools(nights):
    db = nights["db"]
    raw = _query(db, "select distinct campus_id from raw_harmony.students")
    assert {"001", "227999001"} <= {c for (c,) in raw}
    for mart in ("dim_student", "dim_staff", "fct_student_grade", "fct_course_request"):
        schools = _query(db, f"select distinct school_id from marts.{mart} where sis = 'harmony'")
        assert {s for (s,) in schools} <= {"001", "002"}, mart


def test_accented_names_byte_exact(nights):
    names = _query(
        nights["db"],
        "select first_name, last_name from marts.dim_student where sis = 'harmony'",
    )
    assert ("José", "Peña") in names and ("Zoë", "O’Brien") in names
    # the UTF-8 bytes the district sent, unchanged (é, ñ, ë and the typographic ’)
    encoded = {(first.encode(), last.encode()) for first, last in names}
    assert (b"Jos\xc3\xa9", b"Pe\xc3\xb1a") in encoded
    assert (b"Zo\xc3\xab", b"O\xe2\x80\x99Brien") in encoded
    assert _query(
        nights["db"],
        "select _source_file, _row_number from raw_harmony.students "
        "where first_name = 'José' and last_name = 'Peña' order by 1",
    ) == [(f"{PREVIOUS}/students.csv", 2), (f"{CURRENT}/students.csv", 2)]
    encodings = _query(
        nights["db"],
        "select distinct encoding from pathways_meta.file_manifest where sis = 'harmony'",
    )
    assert encodings == [("utf-8",)]


def test_resent_night_lists_both_folders_as_duplicates(nights):
    statuses = _statuses(nights["night2"])
    expected = {
        (d.id, f"{term}/{ds}.csv")
        for d in nights["districts"]
        for term in (PREVIOUS, CURRENT)
        for ds in DATASETS
    }
    assert set(statuses) == expected
    assert set(statuses.values()) == {"duplicate"}
    assert nights["night2"].build.success and not nights["night2"].build.errors
    assert nights["night2"].mart_rows == nights["night1"].mart_rows
    assert nights["night2"].rejected_rows == nights["night1"].rejected_rows
