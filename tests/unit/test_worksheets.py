"""The Data Validation Worksheet reader (ingest/worksheets.py): good lines load, every
malformed one is an error naming the district, file, line and what to write, and a bad
worksheet keeps the district's last good copy without stopping the others."""

from __future__ import annotations

import duckdb
import pytest

from ingest import warehouse
from ingest.registry import District, School
from ingest.worksheets import WorksheetError, read_worksheet, template, write_worksheets

HEADER = "dataset,school_id,grade_level,expected_count,tolerance_pct\n"


def _district(path, district_id="tx1") -> District:
    return District(
        id=district_id,
        name="T",
        state="TX",
        state_district_id="1",
        sis="ascender",
        status="onboarding",
        timezone="America/Chicago",
        transfer={"method": "local"},
        schools=(
            School("001", "1001", "High", "09", "12"),
            School("101", "1101", "Elementary", "KG", "05"),
        ),
        worksheet=str(path),
    )


def test_good_lines_load(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(HEADER + "students,001,9,10,5\nstudents,,,30,\ncourses,,,4,0\n\n")
    lines = read_worksheet(_district(path))
    assert [
        (x.dataset, x.school_id, x.grade_level, x.expected_count, x.tolerance_pct) for x in lines
    ] == [
        ("students", "001", "09", 10, 5.0),
        ("students", None, None, 30, 0.0),
        ("courses", None, None, 4, 0.0),
    ]
    assert [x.line_number for x in lines] == [2, 3, 4]


@pytest.mark.parametrize(
    ("body", "finding"),
    [
        ("dataset,school,grade,count,tol\n", "line 1: the header must be exactly"),
        (HEADER + "pupils,,,1,0\n", "line 2: dataset must be one of"),
        (HEADER + "students,999,,1,0\n", "line 2: school_id must be one of the district's"),
        (HEADER + "students,001,13,1,0\n", "line 2: grade_level must be one of"),
        (HEADER + "staff,001,09,1,0\n", "line 2: grade_level is only for students"),
        (HEADER + "courses,001,,1,0\n", "line 2: courses are counted for the whole district"),
        (HEADER + "students,,,,5\n", "line 2: expected_count must be a whole number"),
        (HEADER + "students,,,10,120\n", "line 2: tolerance_pct must be a percentage"),
        (HEADER + "students,,,10\n", "line 2: 4 values; write 5"),
        (HEADER + "staff,001,,1,0\nstaff,001,,2,0\n", "line 3: the same dataset"),
    ],
)
def test_malformed_lines_name_district_file_and_line(tmp_path, body, finding):
    path = tmp_path / "w.csv"
    path.write_text(body)
    with pytest.raises(WorksheetError) as err:
        read_worksheet(_district(path))
    assert f"district tx1: worksheet {path}" in str(err.value)
    assert finding in str(err.value)


def test_bad_worksheet_keeps_last_good_copy_and_others_load(tmp_path):
    good, other = tmp_path / "good.csv", tmp_path / "other.csv"
    good.write_text(HEADER + "students,,,30,5\n")
    other.write_text(HEADER + "students,,,7,0\n")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    warehouse.prepare(con, [])
    districts = [_district(good), _district(other, "tx2")]
    assert write_worksheets(con, districts) == {}
    good.write_text(HEADER + "students,,,thirty,5\n")
    other.write_text(HEADER + "students,,,8,0\n")
    errors = write_worksheets(con, districts)
    assert list(errors) == ["tx1"] and "line 2" in errors["tx1"]
    rows = con.execute(
        "select district_id, expected_count from pathways_meta.validation_worksheets order by 1"
    ).fetchall()
    assert rows == [("tx1", 30), ("tx2", 8)]


def test_template_lists_every_school_and_grade(tmp_path):
    text = template(_district(tmp_path / "none.csv"))
    assert text.startswith(HEADER)
    assert "students,001,09,,5" in text and "students,101,KG,,5" in text
    assert "students,101,06" not in text
