"""`pathways onboard` end to end, once (a build takes about a minute): an eSchool Download
Manager district's first files as a new district would send them — two files named its own
way, a staff file with a renamed column, a stray note, and a district-defined mark type
`SEM1` — recognized, proposed, loaded and built alone into a trial warehouse (real files,
real DuckDB, real dbt), with the unmapped code and the fixes reported."""

from __future__ import annotations

import re
from datetime import date

import duckdb
import pytest
import yaml

from ingest.cli import main
from ingest.demo import write_night
from ingest.registry import load_registry

NIGHT = date(2026, 11, 27)
DISTRICT = "pecan_grove_isd"  # not in districts.yml: a new district


def _first_files(tmp_path):
    source = [d for d in load_registry() if d.id == "red_river_cisd"]
    folder = write_night(source, tmp_path / "generated", NIGHT, students=30)[
        "red_river_cisd"
    ].folder
    (folder / "students_20261127.csv").rename(folder / "Students.csv")
    (folder / "grades_20261127.csv").rename(folder / "Grades.csv")
    grades = (folder / "Grades.csv").read_bytes().decode("cp1252")
    sem1 = 0
    lines = grades.split("\n")
    for i, line in enumerate(lines):
        if i and i % 5 == 0 and ",S1," in line:
            lines[i] = line.replace(",S1,", ",SEM1,", 1)
            sem1 += 1
    (folder / "Grades.csv").write_bytes("\n".join(lines).encode("cp1252"))
    staff = folder / "staff_20261127.csv"
    staff.write_bytes(staff.read_bytes().replace(b"IS_COUNSELOR", b"COUNSELOR_FLAG", 1))
    (folder / "notes.txt").write_text("what we send you\n", encoding="utf-8")
    return folder, sem1


@pytest.mark.integration
def test_onboard_a_new_district(tmp_path, monkeypatch, capsys):
    work = tmp_path / "work"
    monkeypatch.setenv("PATHWAYS_WORK_DIR", str(work))
    folder, sem1 = _first_files(tmp_path)
    assert sem1 > 0

    code = main(["onboard", "--district", DISTRICT, "--from", str(folder)])
    out = capsys.readouterr().out
    print(out)  # shown when an assertion fails
    assert code == 0, out

    assert "SIS: eschool, export variant download_manager" in out
    assert "state: TX" in out
    for name in ("Students.csv", "Grades.csv", "courses_20261127.csv", "gpa_20261127.csv"):
        assert f"  {name}" in out
    assert (
        "staff_20261127.csv                       NOT RECOGNIZED: header does not match any "
        "declaration; closest: eschool staff (download_manager) (80% of column names shared): "
        "column 8 renamed: 'IS_COUNSELOR' is 'COUNSELOR_FLAG' in the file"
    ) in out
    assert "notes.txt                                NOT RECOGNIZED: no declared column name" in out

    trial = work / "onboarding" / DISTRICT
    entry = yaml.safe_load((trial / "proposal.yml").read_text(encoding="utf-8"))[0]
    assert entry["sis"] == "eschool" and entry["export_variant"] == "download_manager"
    assert entry["status"] == "onboarding"
    assert entry["transfer"] == {"method": "local", "folder": str(folder.resolve())}
    assert entry["files"] == {
        "students": {"pattern": "Students.csv", "name_date": None},
        "grades": {"pattern": "Grades.csv", "name_date": None},
    }
    assert [s["school_id"] for s in entry["schools"]] == ["001", "041", "101"]

    # the district alone, in its own trial warehouse
    with duckdb.connect(str(trial / "pathways.duckdb"), read_only=True) as con:
        districts = con.execute("select distinct district_id from marts.dim_student").fetchall()
        students = con.execute("select count(*) from marts.dim_student").fetchone()[0]
    assert districts == [(DISTRICT,)]
    assert students == 30
    # the trial read the files where they are, under the district's own names (the
    # proposal's `files:`), and every file the night would see: also the staff file whose
    # header it cannot read, rejected by the ingest as it would be on a night
    assert not (trial / "inbox").exists()  # no copies
    assert re.search(r"^  students +Students\.csv +loaded +30 rows", out, re.M), out
    assert re.search(r"^  grades +Grades\.csv +loaded ", out, re.M), out
    assert re.search(r"^  staff +staff_20261127\.csv +rejected ", out, re.M), out
    # the platform's Users data goes with any SIS: recognized and loaded too
    assert re.search(r"^  users +users_20261127\.csv +loaded +7 rows", out, re.M), out

    # the district-defined code, its row count and a paste-ready row
    assert f"    SEM1         {sem1:>7,} rows   paste: eschool,{DISTRICT},SEM1,,,,," in out
    rows = (trial / "crosswalk_rows.csv").read_text(encoding="utf-8").splitlines()
    assert rows == [
        "# seeds/xwalk_terms.csv (sis,district_id,source_code,term_code,term_name,term_type,"
        "term_sequence,is_final_term)",
        f"eschool,{DISTRICT},SEM1,,,,,",
    ]
    # what the district's IT must fix
    assert f"  grades: MARK_TYPE is not a known term: {sem1} rows (e.g. Grades.csv row " in out
    assert "  staff: no file recognized" in out

    # the trial's approval verdict (`pathways validate` on the trial warehouse) and its page
    verdict = out.split("approval verdict of the trial", 1)[1]
    assert f"== {DISTRICT} (eschool, TX, onboarding): NOT READY for training ==" in verdict
    assert "  - staff: no file in use (the latest was rejected" in verdict
    assert "  - no worksheet received" in verdict
    page = trial / f"{DISTRICT}.html"
    assert f"  report: {page}" in verdict
    html = page.read_text(encoding="utf-8")
    assert 'class="verdict not-ready">Not ready for training' in html
    assert "no worksheet received" in html
