"""PowerSchool end to end: the synthetic Indiana district served by the PowerSchool emulator
on 127.0.0.1 (it reads the plugin zip the project generates), pulled through dlt's REST client
into the real DuckDB file, built by dbt with every other selected SIS, then asserted on the
marts: every served record arrives, nothing is rejected, and PowerSchool's quirks (STUDENTS.ID
vs STUDENT_NUMBER, YEARID/TERMID, negative grade levels, SCHOOLID 999999, GPA as text, staff
roles) come out right.

Night 2 serves a changed student through faults: a 429 and a dropped connection end in a
complete load, a `/count` that disagrees with the pages rejects that dataset alone and its
marts keep yesterday's rows.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.powerschool.queries import load_queries
from ingest.simulation.powerschool_server import Fault

pytestmark = pytest.mark.integration

SIS = "powerschool"
STUDENTS = 100  # small enough for CI, large enough for every code path
QUERIES = {q.dataset: q.name for q in load_queries().values()}
RENAMED = "Quiñones-Night2"  # the last name night 2 gives one student


def _query(db: Path, sql: str, *params):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def after_night(number: int, seen: dict) -> None:
    if number == 1:
        seen["report"] = seen["night1"]
        ((district_id, server),) = seen["servers"].items()
        seen["records"] = copy.deepcopy(server.emulator._records)  # what night 1 served


def send_night(number: int, seen: dict):
    if number != 2:
        return None
    ((district_id, server),) = seen["servers"].items()
    records = copy.deepcopy(seen["records"])
    student = records[QUERIES["students"]][0]
    seen["renamed_student_number"] = student["STUDENTS.STUDENT_NUMBER"]
    student["STUDENTS.LAST_NAME"] = RENAMED
    emulator = server.emulator
    emulator.serve(records)
    emulator.faults.extend(
        [
            Fault("rate_limit", query=QUERIES["students"], page=1, seconds=1),
            Fault("drop", query=QUERIES["courses"], page=1),
            Fault("count_mismatch", query=QUERIES["grades"], times=50, delta=3),
        ]
    )
    return seen["districts"]


@pytest.fixture(scope="module")
def night(demo_nights):
    """Nights 1 and 2, played with every other selected SIS's (tests/integration/conftest.py)."""
    return demo_nights[SIS]


@pytest.fixture(scope="module")
def district_id(night) -> str:
    (district,) = night["districts"]
    return district.id


def _served(night, dataset: str) -> list[dict[str, str]]:
    return night["records"][QUERIES[dataset]]


def test_served_by_the_emulator_and_every_dataset_loads(night, district_id):
    assert night["server_kinds"] == {"powerschool-emulator"}
    report = night["report"]
    assert not report.district_errors
    files = {f.entry["dataset"]: f for n in report.nights for f in n.files}
    assert set(files) == set(QUERIES)
    assert {f.status for f in files.values()} == {"loaded"}, {
        d: f.entry.get("reason") for d, f in files.items()
    }
    for dataset, outcome in files.items():
        assert outcome.entry["file_name"].startswith(QUERIES[dataset])
        assert outcome.entry["data_lines"] == len(_served(night, dataset))


def test_marts_hold_every_served_record_and_nothing_is_rejected(night, district_id):
    report = night["report"]
    assert report.build.success and not report.build.errors, report.build.errors
    got = report.mart_rows[district_id]
    for mart, rows in night["generated"][district_id].expected_marts.items():
        assert got[mart] == rows, (mart, got[mart], rows)
    assert report.rejected_rows[district_id] == 0


def test_other_tables_reference_students_id_but_marts_use_the_student_number(night, district_id):
    students = _served(night, "students")
    number_of = {s["STUDENTS.ID"]: s["STUDENTS.STUDENT_NUMBER"] for s in students}
    assert any(i != n for i, n in number_of.items())  # the two ids really differ
    grades = _query(
        night["db"],
        "select distinct student_id from marts.fct_student_grade where district_id = ?",
        district_id,
    )
    served = {number_of[g["STOREDGRADES.STUDENTID"]] for g in _served(night, "grades")}
    assert {s for (s,) in grades} == served
    gpa = _query(
        night["db"],
        "select student_id, gpa_value from marts.fct_student_gpa where district_id = ?",
        district_id,
    )
    sent = {
        (number_of[r["CLASSRANK.STUDENTID"]], Decimal(r["CLASSRANK.GPA"]))
        for r in _served(night, "gpa")
    }
    assert {(s, Decimal(str(v))) for s, v in gpa} == sent  # GPA sent as text, kept exact


def test_grade_levels_statuses_and_graduates(night, district_id):
    rows = _query(
        night["db"],
        "select student_id, grade_level, grade_level_number, school_id, enrollment_status "
        "from marts.dim_student where district_id = ?",
        district_id,
    )
    by_number = {r[0]: r for r in rows}
    for s in _served(night, "students"):
        _, level, level_number, school_id, status = by_number[s["STUDENTS.STUDENT_NUMBER"]]
        assert level_number == int(s["STUDENTS.GRADE_LEVEL"])
        if s["STUDENTS.GRADE_LEVEL"] == "-1":
            assert level == "PK"
        if s["STUDENTS.SCHOOLID"] == "999999":  # graduated: no school, not an unknown one
            assert school_id is None and status == "graduated"
        else:
            assert school_id == s["STUDENTS.SCHOOLID"]
    assert any(s["STUDENTS.SCHOOLID"] == "999999" for s in _served(night, "students"))
    assert any(s["STUDENTS.GRADE_LEVEL"] == "-1" for s in _served(night, "students"))


def test_yearid_and_termid_become_the_spring_school_year(night, district_id):
    years = _query(
        night["db"],
        "select distinct school_year from marts.fct_student_grade where district_id = ?",
        district_id,
    )
    termids = {int(g["STOREDGRADES.TERMID"]) for g in _served(night, "grades")}
    assert {y for (y,) in years} == {t // 100 + 1991 for t in termids}  # 36xx -> 2027
    requests = _query(
        night["db"],
        "select distinct school_year from marts.fct_course_request where district_id = ?",
        district_id,
    )
    yearids = {int(r["SCHEDULEREQUESTS.YEARID"]) for r in _served(night, "course_requests")}
    assert {y for (y,) in requests} == {y + 1991 for y in yearids}


def test_staff_roles_come_from_staffstatus(night, district_id):
    roles = dict(
        _query(
            night["db"],
            "select staff_id, staff_role from marts.dim_staff where district_id = ?",
            district_id,
        )
    )
    for user in _served(night, "staff"):
        expected = "teacher" if user["SCHOOLSTAFF.STAFFSTATUS"] == "1" else "staff"
        assert roles[user["USERS.TEACHERNUMBER"]] == expected


def test_night2_faults_end_in_a_complete_load_or_a_clean_rejection(night, district_id):
    report = night["night2"]
    files = {f.entry["dataset"]: f.entry for n in report.nights for f in n.files}
    # a 429 (Retry-After) on the students' first page: retried, the change loads
    assert files["students"]["status"] == "loaded"
    # a connection dropped mid-page: retried; the same records as night 1
    assert files["courses"]["status"] == "duplicate"
    # /count disagrees with the pages: grades alone are rejected, with what to do
    grades = files["grades"]
    assert grades["status"] == "rejected"
    assert district_id in grades["reason"] and "yesterday's data stays" in grades["reason"]
    assert "count" in grades["reason"]
    assert {files[d]["status"] for d in ("staff", "course_requests", "gpa")} == {"duplicate"}
    assert report.build.success, report.build.errors

    db = night["db"]
    (renamed,) = _query(
        db,
        "select last_name from marts.dim_student where district_id = ? and student_id = ?",
        district_id,
        night["renamed_student_number"],
    )
    assert renamed == (RENAMED,)
    # yesterday's grades stay: every served grade is still in the marts
    expected = night["generated"][district_id].expected_marts["fct_student_grade"]
    assert report.mart_rows[district_id]["fct_student_grade"] == expected
    latest = _query(
        db,
        "select status from pathways_meta.file_manifest where district_id = ? "
        "and dataset = 'grades' order by received_at",
        district_id,
    )
    assert [s for (s,) in latest] == ["loaded", "rejected"]
