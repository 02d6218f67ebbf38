"""eSchool / eSchoolPLUS end to end: both export variants (Cognos UTF-16 TSV for
caddo_lake_isd, Download Manager Windows-1252 CSV with `#!#` record terminators for
red_river_cisd) served by a real SFTP server on 127.0.0.1, ingested through the SAME
declarations into the real DuckDB file, dbt build, assertions on the marts. The onboarding
district cedar_bend_isd (Download Manager) names its files its own way (`Students.csv`, its
registry `files:`) and defines its own mark types (SEM1, SEM2): its files all load and its
marks of its own codes are rejected, exactly those, until its district crosswalk rows are
added (tests/integration/test_district_overrides.py). The night is
played once per test session, together with the other SIS's, against one warehouse
(tests/integration/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.integration

SIS = "eschool"
STUDENTS = 100  # per district: small enough for CI, large enough for every code path
DATASETS = {"students", "staff", "courses", "course_requests", "grades", "gpa"}
VARIANT_DISTRICTS = {"download_manager": "red_river_cisd", "cognos": "caddo_lake_isd"}
ENCODINGS = {"red_river_cisd": "windows-1252", "caddo_lake_isd": "utf-16"}
DELIMITERS = {"red_river_cisd": ",", "caddo_lake_isd": "\t"}
OWN_CODES = "cedar_bend_isd"  # onboarding: district-defined mark types and file names
OWN_MARK_TYPES = {"SEM1", "SEM2", "FINL"}
OWN_FILE_NAMES = {
    "students": "Students.csv", "staff": "Staff.csv", "courses": "Courses.csv",
    "course_requests": "CourseRequests.csv", "grades": "Grades.csv", "gpa": "GPA.csv",
}  # fmt: skip


def _query(db: Path, sql: str, *params):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def after_night(number: int, seen: dict) -> None:
    if number == 1:
        seen["report"], seen["kinds"] = seen["night1"], seen["server_kinds"]


@pytest.fixture(scope="module")
def night(demo_nights):
    """Night 1, played with every other selected SIS's (tests/integration/conftest.py)."""
    return demo_nights[SIS]


def test_both_variants_are_demo_districts(night):
    live = {d.export_variant: d.id for d in night["districts"] if d.status == "live"}
    assert live == VARIANT_DISTRICTS
    others = {(d.id, d.status, d.export_variant) for d in night["districts"] if d.status != "live"}
    assert others == {(OWN_CODES, "onboarding", "download_manager")}


def _own_code_marks(db: Path) -> dict[str, int]:
    """cedar_bend_isd's marks of its own mark types, by code, as received."""
    rows = _query(
        db,
        "select upper(trim(mark_type)), count(*) from raw_eschool.grades "
        "where _district_id = ? group by 1",
        OWN_CODES,
    )
    return {code: n for code, n in rows if code in OWN_MARK_TYPES}


def test_own_file_names_load(night):
    (district_night,) = [n for n in night["report"].nights if n.district.id == OWN_CODES]
    got = {f.entry["dataset"]: f for f in district_night.files}
    assert {d: f.entry["file_name"] for d, f in got.items()} == OWN_FILE_NAMES
    generated = night["generated"][OWN_CODES]
    for dataset, f in got.items():
        assert f.status == "loaded", (dataset, f.entry.get("reason"))
        assert f.entry["rows_loaded"] == generated.rows[dataset]
        assert f.entry["rows_unparseable"] == 0


def test_exactly_the_own_mark_types_are_rejected(night):
    db = night["db"]
    own = _own_code_marks(db)
    assert set(own) == {"SEM1", "SEM2"}  # no final (FINL) on this night
    got = _query(
        db,
        "select district_id, dataset, reason, count(*) from validation.rejected_rows "
        "where sis = 'eschool' group by all",
    )
    assert {(d, ds, reason): n for d, ds, reason, n in got} == {
        (OWN_CODES, "grades", f"MARK_TYPE {code} is not a known term"): n for code, n in own.items()
    }


def test_served_by_openssh_when_installed(night):
    from ingest.simulation.sftp_server import openssh_available

    assert night["kinds"] == ({"openssh"} if openssh_available() else {"paramiko"})


def test_every_file_loads_through_its_variant(night):
    report = night["report"]
    assert not report.district_errors
    seen = {}
    for district_night in report.nights:
        for f in district_night.files:
            seen[(district_night.district.id, f.entry["dataset"])] = f
    for district_id in VARIANT_DISTRICTS.values():
        generated = night["generated"][district_id]
        # a district whose demo sends Users data (a platform file, any SIS) has it too
        datasets = DATASETS | ({"users"} if "users" in generated.files else set())
        assert {ds for (d, ds) in seen if d == district_id} == datasets
        for dataset in datasets:
            f = seen[(district_id, dataset)]
            assert f.status == "loaded", (district_id, dataset, f.entry.get("reason"))
            assert f.entry["file_name"] == generated.files[dataset].name
            # one record per generated row, line breaks inside quoted fields included
            assert f.entry["rows_loaded"] == generated.rows[dataset], (district_id, dataset)
            assert f.entry["rows_unparseable"] == 0


def test_manifest_records_each_variants_dialect(night):
    rows = _query(
        night["db"],
        "select district_id, encoding, delimiter, count(*) from pathways_meta.file_manifest "
        "where status = 'loaded' group by all",
    )
    got = {(d, e, delim): n for d, e, delim, n in rows}
    for district_id, encoding in ENCODINGS.items():
        assert got[(district_id, encoding, DELIMITERS[district_id])] == len(DATASETS)


def test_marts_hold_every_generated_row(night):
    report = night["report"]
    assert report.build.success and not report.build.errors, report.build.errors
    own = sum(_own_code_marks(night["db"]).values())
    assert own > 0
    for district_id, generated in night["generated"].items():
        got = report.mart_rows[district_id]
        rejected = own if district_id == OWN_CODES else 0
        for mart, rows in generated.expected_marts.items():
            expected = rows - rejected if mart == "fct_student_grade" else rows
            assert got[mart] == expected, (district_id, mart, got[mart], expected)
        assert report.rejected_rows[district_id] == rejected


@pytest.mark.parametrize("district_id", sorted(VARIANT_DISTRICTS.values()))
def test_accented_names_survive_utf16_and_windows_1252(night, district_id):
    names = _query(
        night["db"],
        "select first_name, last_name from marts.dim_student where district_id = ?",
        district_id,
    )
    assert ("José", "Peña") in names
    assert ("Zoë", "O’Brien") in names  # ’ is 0x92 in Windows-1252, outside Latin-1


def test_download_manager_line_break_stays_one_record(night):
    db = night["db"]
    titles = _query(
        db,
        "select course_title from marts.dim_course where district_id = ? "
        "and course_title like '%' || chr(13) || chr(10) || '%'",
        "red_river_cisd",
    )
    assert len(titles) == 1
    first, second = titles[0][0].split("\r\n")
    assert first and second  # both lines kept, in one title
    path = night["generated"]["red_river_cisd"].files["courses"]
    physical = [line for line in path.read_bytes().split(b"\r\n") if line]
    rows = night["generated"]["red_river_cisd"].rows["courses"]
    assert len(physical) == rows + 2  # header + one record over two lines
    # the raw row number is the record number (header = 1), not the line
    numbers = _query(
        db,
        "select min(_row_number), max(_row_number), count(*) from raw_eschool.courses "
        "where _district_id = ?",
        "red_river_cisd",
    )
    assert numbers == [(2, rows + 1, rows)]
    # Cognos titles never hold a line break
    assert not _query(
        db,
        "select 1 from marts.dim_course where district_id = ? and course_title like "
        "'%' || chr(10) || '%'",
        "caddo_lake_isd",
    )


def test_padded_ids_arrive_trimmed_and_join(night):
    db = night["db"]
    for district_id in VARIANT_DISTRICTS.values():
        raw = _query(
            db,
            "select count(*), count(*) filter (where student_id like '% ') "
            "from raw_eschool.students where _district_id = ?",
            district_id,
        )
        assert raw[0][0] == raw[0][1] == STUDENTS  # raw keeps the CHAR padding
        assert _query(
            db,
            "select count(*) from marts.dim_student where district_id = ? "
            "and (student_id <> trim(student_id) or school_id <> trim(school_id))",
            district_id,
        ) == [(0,)]
        # every grade, GPA and request finds its student; every grade its course code
        for fact in ("fct_student_grade", "fct_student_gpa", "fct_course_request"):
            orphans = _query(
                db,
                f"select count(*) from marts.{fact} f left join marts.dim_student s "
                "on f.k_student = s.k_student where f.district_id = ? and s.k_student is null",
                district_id,
            )
            assert orphans == [(0,)], (district_id, fact)
        unmatched = _query(
            db,
            "select count(*) from marts.fct_student_grade g where g.district_id = ? and not "
            "exists (select 1 from marts.dim_course c where c.district_id = g.district_id "
            "and c.course_code = g.course_code)",
            district_id,
        )
        assert unmatched == [(0,)]
        # this year's grades resolve to this year's course listing
        assert _query(
            db,
            "select count(*) from marts.fct_student_grade g left join marts.dim_course c "
            "on g.k_course = c.k_course where g.district_id = ? and g.school_year = ? "
            "and c.k_course is null",
            district_id,
            2027,
        ) == [(0,)]


def test_codes_are_mapped(night):
    db = night["db"]
    # KF (full-day kindergarten) is KG; A/I/G are active/inactive/graduated
    kf = _query(db, "select count(*) from raw_eschool.students where trim(grade) = 'KF'")[0][0]
    kg = _query(db, "select count(*) from raw_eschool.students where trim(grade) in ('KF', 'KG')")
    assert kf > 0
    assert (
        _query(
            db,
            "select count(*) from marts.dim_student where sis = 'eschool' and grade_level = 'KG'",
        )
        == kg
    )
    found = _query(
        db, "select distinct enrollment_status from marts.dim_student where sis = 'eschool'"
    )
    statuses = {s for (s,) in found}
    assert {"active", "graduated"} <= statuses <= {"active", "inactive", "graduated"}
    # alternates: one fct row per raw A row, ranked by ALTERNATE_SEQUENCE
    raw_alternates = _query(
        db, "select count(*) from raw_eschool.course_requests where trim(request_type) = 'A'"
    )
    assert raw_alternates[0][0] > 0
    assert (
        _query(
            db,
            "select count(*) from marts.fct_course_request where sis = 'eschool' "
            "and is_alternate and request_rank >= 1",
        )
        == raw_alternates
    )
    gpa_types = _query(
        db,
        "select distinct gpa_type, scale_max from marts.fct_student_gpa where sis = 'eschool'",
    )
    assert set(gpa_types) == {("weighted", 6), ("unweighted", 4), ("state", 4)}
    roles = {
        r
        for (r,) in _query(
            db, "select distinct staff_role from marts.dim_staff where sis = 'eschool'"
        )
    }
    assert roles == {"teacher", "counselor", "staff"}
