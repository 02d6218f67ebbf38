"""`pathways validate` after a real night of two demo districts, its HTML page rendered by a
real headless Chromium: the verdict, the reasons with how-to-fix text, the worksheet chart
(one bar per school and grade), the numbers on the page equal to the warehouse's, and no
name or birth date from the district files anywhere in the page or the terminal.

The worksheets are real files, loaded and compared by the real model
(validation.worksheet_comparison): night 1 runs without them; tools/demo_worksheets.py
writes both districts' worksheets from night 1's marts (NOT_READY's grade-09 line at its
high school then expects 10 more students); night 2 (the same files again) loads them
through the registry's `worksheet:` key and builds."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingest.demo import serve_districts, write_night
from ingest.night import run_night
from ingest.paths import REPO_ROOT
from ingest.registry import load_registry
from tests.e2e.test_docs_site import CHROMIUM_FLAGS, _chromium

pytestmark = pytest.mark.e2e

NIGHT = date(2026, 11, 27)
READY, NOT_READY = "bluebonnet_isd", "hoosier_valley_schools"
BAD_GRADE_LINES = (2, 3)  # lines of NOT_READY's students file given an unknown grade code


def _break_grades(folder: Path) -> None:
    """Two students of the file get a grade code no crosswalk knows (kept, rejected)."""
    (path,) = folder.glob("students_*.csv")
    text = path.read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    grade = rows[0].index("Grade")
    for line in BAD_GRADE_LINES:
        rows[line - 1][grade] = "ZZ"
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n" if "\r\n" in text else "\n").writerows(rows)
    path.write_bytes(out.getvalue().encode("cp1252"))


def _pii(root: Path) -> set[str]:
    """Every last, first and middle name and birth date sent in the students files (a
    one-letter middle initial is left out: it matches any capital letter of the page)."""
    found: set[str] = set()
    for path in root.rglob("students_*.csv"):
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("cp1252")
        for row in csv.DictReader(io.StringIO(text, newline="")):
            for column in ("Last Name", "First Name", "Middle Name", "Birth Date"):
                if len(row.get(column) or "") > 1:
                    found.add(row[column])
    return found


def _write_worksheets(db: Path, folder: Path) -> None:
    """The real tool writes both worksheets from the marts; NOT_READY's line for grade 09 at
    school 010 then expects 10 more students than the data holds."""
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "demo_worksheets.py"), "--db", str(db)]
        + ["--out", str(folder), "--only", READY, "--only", NOT_READY],
        check=True,
        capture_output=True,
        timeout=120,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    path = folder / f"{NOT_READY}.csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    (line,) = [r for r in rows if r[:3] == ["students", "010", "09"]]
    line[3] = str(int(line[3]) + 10)
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def validated(tmp_path_factory):
    work = tmp_path_factory.mktemp("validate")
    db = work / "pathways.duckdb"
    sheets = work / "worksheets"
    sheets.mkdir()
    districts = [  # night 1: no worksheet file yet
        dataclasses.replace(d, worksheet=str(sheets / f"{d.id}.csv"))
        for d in load_registry()
        if d.id in (READY, NOT_READY)
    ]
    write_night(districts, work / "sftp", NIGHT, students=40)
    _break_grades(work / "sftp" / NOT_READY / "outbound")
    with serve_districts(districts, work / "sftp", work / "servers"):
        run_night(districts, db_path=db, all_districts=districts, docs=False)
        _write_worksheets(db, sheets)
        run_night(districts, db_path=db, all_districts=districts, docs=False)
    out = work / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "--db", str(db), "validate", "--out", str(out)]
        + [a for d in (READY, NOT_READY) for a in ("--district", d)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    return {"db": db, "out": out, "run": done, "pii": _pii(work / "sftp"), "work": work}


def _dom(validated, district_id: str) -> str:
    page = validated["out"] / f"{district_id}.html"
    assert page.is_file()
    done = subprocess.run(
        [
            _chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={validated['work'] / ('profile-' + district_id)}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def _text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_exit_code_and_terminal_verdicts(validated):
    run = validated["run"]
    assert run.returncode == 1, run.stderr  # one district is not ready
    assert f"== {READY} (skyward_sms, TX, live): READY for training ==" in run.stdout
    assert f"== {NOT_READY} (skyward_sms, IN, onboarding): NOT READY for training ==" in run.stdout
    assert "1 of 2 district(s) ready for training" in run.stdout


def test_page_renders_with_its_verdict(validated):
    dom = _dom(validated, READY)
    assert f"<title>Pathways validation: {READY}</title>" in dom
    assert re.search(r'<div id="verdict" class="verdict ready">Ready for training</div>', dom)
    assert 'id="reasons"' not in dom
    assert "http://" not in dom.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in dom and "<script" not in dom  # self-contained


def test_chart_has_one_bar_per_worksheet_line_with_the_models_numbers(validated):
    for district_id in (READY, NOT_READY):
        with duckdb.connect(str(validated["db"]), read_only=True) as con:
            # an empty school or grade (NULL: the district total) shows as "all"
            expected = {
                (dataset, school or "all", grade or "all"): (exp, act)
                for dataset, school, grade, exp, act in con.execute(
                    "select dataset, school_id, grade_level, expected_count, actual_count "
                    "from validation.worksheet_comparison where district_id = ?",
                    [district_id],
                ).fetchall()
            }
        assert ("students", "all", "all") in expected and ("courses", "all", "all") in expected
        dom = _dom(validated, district_id)
        chart = re.search(r'<svg id="worksheet-chart".*?</svg>', dom, re.S).group(0)
        bars = re.findall(
            r'<g class="line" data-school="([^"]+)" data-grade="([^"]+)" '
            r'data-dataset="([^"]+)">.*?'
            r'<rect class="bar actual"[^>]*data-expected="(\d+)" data-actual="(\d+)".*?'
            r'<text class="value"[^>]*>(.*?)</text>',
            chart,
            re.S,
        )
        assert len(bars) == len(expected) > 0
        for school, grade, dataset, exp, act, label in bars:
            assert (int(exp), int(act)) == expected[(dataset, school, grade)]
            assert _text(label) == f"expected {exp} · actual {act}"  # the numbers as text
        table = re.findall(
            r'<tr class="line" data-dataset="([^"]+)" data-school="([^"]+)" '
            r'data-grade="([^"]+)">.*?<td class="num expected">(\d+)</td>'
            r'<td class="num actual">(\d+)</td>',
            dom,
            re.S,
        )
        assert {(d, s, g): (int(e), int(a)) for d, s, g, e, a in table} == expected


def test_rows_per_dataset_equal_the_load_summary(validated):
    for district_id in (READY, NOT_READY):
        with duckdb.connect(str(validated["db"]), read_only=True) as con:
            expected = {
                r[0]: r[1:]
                for r in con.execute(
                    "select dataset, rows_received, rows_accepted, "
                    "rows_rejected + rows_unparseable from validation.load_summary "
                    "where district_id = ? and is_in_use",
                    [district_id],
                ).fetchall()
            }
        dom = _dom(validated, district_id)
        shown = {
            d: (int(r), int(a), int(j))
            for d, r, a, j in re.findall(
                r'<tr data-dataset="([^"]+)">.*?<td class="num received">(\d+)</td>'
                r'<td class="num accepted">(\d+)</td><td class="num rejected[^"]*">(\d+)</td>',
                dom,
                re.S,
            )
        }
        assert shown == expected
        assert expected["students"][2] == (len(BAD_GRADE_LINES) if district_id == NOT_READY else 0)


def test_not_ready_district_lists_its_reasons_and_how_to_fix(validated):
    dom = _dom(validated, NOT_READY)
    assert '<div id="verdict" class="verdict not-ready">Not ready for training</div>' in dom
    reasons = _text(re.search(r'<ul id="reasons">(.*?)</ul>', dom, re.S).group(1))
    assert "students: 5.0% of rows rejected (2 of 40), above the 2.0% allowed" in reasons
    assert "worksheet students, school 010, grade 09: expected" in reasons
    rules = re.search(r'<table id="rules">(.*?)</table>', dom, re.S).group(1)
    row = next(r for r in rules.split("<tr>") if "Grade ZZ is not a known grade level" in r)
    assert "add a crosswalk row" in row  # its how-to-fix text
    for line in BAD_GRADE_LINES:
        assert re.search(rf"students_20261127\.csv line {line} \(student_id \d+\)", row)


def test_no_name_or_birth_date_in_page_or_terminal(validated):
    pii = validated["pii"]
    assert len(pii) > 40  # names and birth dates of 80 students were sent
    outputs = [validated["run"].stdout, validated["run"].stderr]
    outputs += [p.read_text(encoding="utf-8") for p in validated["out"].glob("*.html")]
    for text in outputs:
        leaked = {v for v in pii if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", text)}
        assert not leaked, sorted(leaked)[:5]


def test_stored_failures_count_only_for_the_district_they_name(validated):
    """assert_no_rejected_rows stores its rows with district_id: it warns on the district
    with rejected rows, with its header's How-to-resolve text, and not on the other."""
    with duckdb.connect(str(validated["db"]), read_only=True) as con:
        stored = con.execute(
            "select count(*) from validation_failures.assert_no_rejected_rows "
            "where district_id = ?",
            [NOT_READY],
        ).fetchone()[0]
    tests = re.search(r'<table id="tests">(.*?)</table>', _dom(validated, NOT_READY), re.S)
    row = next(r for r in tests.group(1).split("<tr>") if "assert_no_rejected_rows" in r)
    assert f'<td class="num">{stored}</td>' in row and stored > 0
    assert "Send the district the file name, line number and reason" in row
    assert "assert_no_rejected_rows" not in _dom(validated, READY)
