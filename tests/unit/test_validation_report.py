"""The approval verdict of `pathways validate` on small hand-made inputs, and its renderings."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from ingest.registry import District
from ingest.validation_report import (
    DEFAULT_MAX_REJECTED_SHARE,
    CheckFailure,
    DatasetRows,
    DistrictValidation,
    RuleFailure,
    UnmappedCode,
    WorksheetLine,
    _split_reason,
    approval_limits,
    node_header,
    render_html,
    render_terminal,
    rule_fix,
    verdict,
    verdict_line,
    worksheet_svg,
)

LIMITS = {"*": 0.02}
STUDENTS = DatasetRows("students", True, "loaded", None, "students_1.csv", 100, 99, 1)
GRADES = DatasetRows("grades", True, "loaded", None, "grades_1.csv", 1000, 1000, 0)
LINE = WorksheetLine("students", "001", "09", 100, 98, -2, 5.0, 5.0, True)


def _verdict(datasets=(STUDENTS, GRADES), tests=(), worksheet=(LINE,), limits=LIMITS):
    return verdict(list(datasets), None if tests is None else list(tests), worksheet, limits)


def _district(**extra) -> District:
    return District(
        "d1", "D One", "TX", "1", "skyward_sms", "onboarding", "America/Chicago", {}, **extra
    )


def test_ready_when_every_criterion_holds():
    assert _verdict() == []


def test_required_dataset_without_a_file_in_use():
    missing = DatasetRows("gpa", True, "missing", "no file matched", None)
    assert _verdict(datasets=(STUDENTS, GRADES, missing)) == [
        "gpa: no file in use (the latest was missing: no file matched)"
    ]
    never = DatasetRows("gpa", True, None, None, None)
    assert _verdict(datasets=(STUDENTS, never)) == ["gpa: no file in use (none received)"]
    optional = replace(missing, required=False)
    assert _verdict(datasets=(STUDENTS, GRADES, optional)) == []


def test_latest_file_not_loaded_while_an_older_one_is_in_use():
    held = replace(GRADES, latest_status="held", latest_reason="row count dropped 40%")
    assert _verdict(datasets=(STUDENTS, held)) == [
        "grades: the latest file was held: row count dropped 40%; the data shown is from the "
        "older grades_1.csv"
    ]
    duplicate = replace(GRADES, latest_status="duplicate")  # the same content re-sent
    assert _verdict(datasets=(STUDENTS, duplicate)) == []


def test_error_tests_block_warnings_do_not():
    error = CheckFailure("test assert_keys_follow_recipes", "fail", "error", 3, "", "")
    warn = CheckFailure("test assert_no_rejected_rows", "warn", "warn", 10, "", "")
    anywhere = CheckFailure("test not_null_dim_student_k_student", "fail", "error", None, "", "")
    assert _verdict(tests=(warn,)) == []
    assert _verdict(tests=(error, warn, anywhere)) == [
        "dbt test assert_keys_follow_recipes failed (error severity, 3 failing rows for the "
        "district)",
        "dbt test not_null_dim_student_k_student failed (error severity, its rows do not name "
        "a district)",
    ]
    assert _verdict(tests=None) == [
        "no dbt build results for this warehouse: run `pathways nightly` or `pathways build`"
    ]


def test_rejected_share_threshold_is_inclusive_and_per_dataset():
    at_limit = replace(STUDENTS, rows_accepted=98, rows_rejected=2)  # exactly 2%
    assert _verdict(datasets=(at_limit, GRADES)) == []
    above = replace(STUDENTS, rows_accepted=97, rows_rejected=3)
    assert _verdict(datasets=(above, GRADES)) == [
        "students: 3.0% of rows rejected (3 of 100), above the 2.0% allowed"
    ]
    assert _verdict(datasets=(above, GRADES), limits={"students": 0.05, "*": 0.0}) == []
    grades_one = replace(GRADES, rows_accepted=999, rows_rejected=1)
    assert _verdict(datasets=(STUDENTS, grades_one), limits={"*": 0.0, "students": 0.01}) == [
        "grades: 0.1% of rows rejected (1 of 1,000), above the 0.0% allowed"
    ]


def test_worksheet_missing_or_outside_tolerance():
    expected = [
        "no worksheet received: the district's Data Validation Worksheet is not loaded "
        "(validation.worksheet_comparison has no line for it)"
    ]
    assert _verdict(worksheet=None) == expected
    assert _verdict(worksheet=[]) == expected
    off = WorksheetLine("students", "041", "KG", 120, 100, -20, 5.0, 6.0, False)
    assert _verdict(worksheet=(LINE, off)) == [
        "worksheet students, school 041, grade KG: expected 120, actual 100 (difference -20, "
        "allowed ±6)"
    ]


def test_every_reason_is_listed_together():
    reasons = _verdict(
        datasets=(replace(STUDENTS, rows_rejected=50), DatasetRows("gpa", True, None, None, None)),
        tests=None,
        worksheet=None,
    )
    assert len(reasons) == 4


def test_approval_limits_from_the_registry():
    assert approval_limits(_district()) == {"*": DEFAULT_MAX_REJECTED_SHARE}
    assert approval_limits(_district(approval={"max_rejected_share": 0.1})) == {"*": 0.1}
    limits = approval_limits(_district(approval={"max_rejected_share": {"grades": 0.05}}))
    assert limits == {"grades": 0.05, "*": DEFAULT_MAX_REJECTED_SHARE}


@pytest.mark.parametrize(
    ("rule", "phrase"),
    [
        ("Grade ZZ is not a known grade level", "crosswalk"),
        ("Other ID is not an accepted student of the latest students file", "students file"),
        ("State ID does not match the TX format 10 digits", "state's format"),
        ("Last Name is missing", "Fill in"),
        ("Credits Earned 2 exceeds Credits Attempted 1", "bounded"),
    ],
)
def test_each_rule_has_its_fix(rule, phrase):
    assert phrase in rule_fix(rule)


def test_parse_errors_keep_only_their_type_and_column():
    reason = "CAST in column grade: could not convert 'Smith, John'; UNQUOTED VALUE: x"
    assert _split_reason("parse", reason) == ["CAST in column grade", "UNQUOTED VALUE"]
    assert _split_reason("row_rule", "A is missing; B is missing") == [
        "A is missing",
        "B is missing",
    ]


def test_singular_test_header_is_the_fix_text():
    what, how = node_header(
        {
            "resource_type": "test",
            "name": "assert_no_rejected_rows",
            "original_file_path": "../tests/dbt/value/assert_no_rejected_rows.sql",
        }
    )
    assert what.startswith("Lists every row of tonight's files")
    assert how.startswith("Send the district the file name, line number and reason")
    _, generic = node_header({"resource_type": "test", "name": "unique_dim_student_k_student"})
    assert "dbt test --select unique_dim_student_k_student" in generic


def _validation(**extra) -> DistrictValidation:
    v = DistrictValidation("d1", "D <One>", "skyward_sms", "TX", "onboarding", dict(LIMITS))
    v.datasets = [STUDENTS, GRADES]
    v.rules = [
        RuleFailure(
            "students", "row_rule", "Grade ZZ is not a known grade level", 1,
            rule_fix("Grade ZZ is not a known grade level"),
            ("students_1.csv line 7 (student_id 000123)",),
        )
    ]  # fmt: skip
    v.tests = []
    v.worksheet = [LINE, WorksheetLine("students", "001", "10", 50, 80, 30, 5.0, 3.0, False)]
    for key, value in extra.items():
        setattr(v, key, value)
    v.reasons = verdict(v.datasets, v.tests, v.worksheet, v.max_rejected_share)
    return v


def test_html_is_self_contained_escaped_and_charts_every_line():
    page = render_html(_validation())
    assert "<title>Pathways validation: d1</title>" in page
    assert "<h1>D &lt;One&gt;</h1>" in page
    assert 'class="verdict not-ready">Not ready for training<' in page
    assert "worksheet students, school 001, grade 10: expected 50, actual 80" in page
    assert len(re.findall(r'<rect class="bar actual"', page)) == 2
    assert "students_1.csv line 7 (student_id 000123)" in page
    assert "<script" not in page and "https://" not in page


def test_chart_scales_bars_to_the_largest_count():
    svg = worksheet_svg([LINE, WorksheetLine("students", "001", "10", 50, 200, 150, 5, 3, False)])
    widths = [float(w) for w in re.findall(r'class="bar actual"[^>]*width="([\d.]+)"', svg)]
    assert widths == [pytest.approx(380 * 98 / 200), pytest.approx(380.0)]


def test_terminal_summary():
    ready = _validation(worksheet=[LINE])
    text = render_terminal(ready)
    assert text.splitlines()[0] == "== d1 (skyward_sms, TX, onboarding): READY for training =="
    assert (
        "Grade ZZ is not a known grade level  [students_1.csv line 7 (student_id 000123)]" in text
    )
    assert "NOT READY" in render_terminal(_validation())


def test_failed_tests_are_attributed_by_their_stored_rows():
    import duckdb

    from ingest.validation_report import _tests

    con = duckdb.connect()
    con.execute("create schema validation_failures")
    con.execute("create table validation_failures.t_named as select 'd1' as district_id")
    con.execute("create table validation_failures.t_unnamed as select 1 as n")
    nodes = [
        {"name": "t_named", "resource_type": "test", "status": "fail",
         "relation_name": "validation_failures.t_named"},
        {"name": "t_unnamed", "resource_type": "test", "status": "warn",
         "relation_name": "validation_failures.t_unnamed"},
        {"name": "t_passed", "resource_type": "test", "status": "pass"},
        {"name": "dim_student", "resource_type": "model", "status": "error",
         "relation_name": "validation_failures.t_named"},
    ]  # fmt: skip
    mine = {t.name: (t.status, t.rows) for t in _tests(con, "d1", nodes)}
    other = {t.name: (t.status, t.rows) for t in _tests(con, "d2", nodes)}
    assert mine == {
        "test t_named": ("fail", 1),
        "test t_unnamed": ("warn", None),
        "model dim_student": ("error", None),
    }
    assert other == {"test t_unnamed": ("warn", None), "model dim_student": ("error", None)}


def test_cli_without_a_built_warehouse(tmp_path, capsys, monkeypatch):
    import duckdb

    from ingest.cli import main

    # `--db` sets PATHWAYS_DUCKDB_PATH for the process: restored after the test
    monkeypatch.setenv("PATHWAYS_DUCKDB_PATH", str(tmp_path / "none.duckdb"))

    assert main(["--db", str(tmp_path / "none.duckdb"), "validate"]) == 1
    assert "no warehouse at" in capsys.readouterr().err
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    assert main(["--db", str(tmp_path / "empty.duckdb"), "validate"]) == 1
    assert "has no validation models yet" in capsys.readouterr().err


def test_rejected_share_names_its_most_frequent_rules_and_a_total_line_reads_all():
    grades = DatasetRows("grades", True, "loaded", None, "Grades.csv", 100, 60, 40)
    rules = [
        RuleFailure("grades", "row_rule", f"MARK_TYPE {c} is not a known term", n, "", ())
        for c, n in (("SEM2", 15), ("SEM1", 24), ("X", 1))
    ]
    total = WorksheetLine("students", "all", "all", 100, 90, -10, 2.0, 2.0, False)
    reasons = verdict([STUDENTS, grades], [], [total], LIMITS, rules)
    assert reasons == [
        "grades: 40.0% of rows rejected (40 of 100), above the 2.0% allowed: MARK_TYPE SEM1 "
        "is not a known term (24 rows); MARK_TYPE SEM2 is not a known term (15 rows) and 1 "
        "more rules",
        "worksheet students, all schools, all grades: expected 100, actual 90 (difference -10, "
        "allowed ±2)",
    ]


def test_verdict_line_gives_the_district_rows_to_add():
    v = _validation(worksheet=[LINE])
    assert verdict_line(v) == "d1: READY for training"
    v = _validation(
        unmapped=[UnmappedCode("xwalk_terms", "MARK_TYPE", "SEM1", 24, "eschool,d1,SEM1,,,,,")]
    )
    line = verdict_line(v)
    assert line.startswith("d1: NOT READY for training: worksheet students, school 001, grade 10")
    assert line.endswith(
        "district-defined codes: add its rows to seeds/xwalk_terms.csv `eschool,d1,SEM1,,,,,` "
        "(fill in what each code means), then rebuild"
    )
    assert "<td>SEM1</td>" in render_html(v) and "eschool,d1,SEM1,,,,," in render_terminal(v)
