"""The bad-input corpus: one parametrized test per case of tests/corpus/cases/*.yml.

Each case asserts its exact finding (the file's status and reason, and/or the exact rejected
rows with their row numbers and messages) and that nothing was lost: a loaded file's rows are
all accepted or kept as rejected rows and every accepted row reached its mart; a file that is
not loaded leaves the previous good file in use and its mart as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.corpus.conftest import CASES_DIR, CaseNight, CorpusNight, load_cases

pytestmark = [pytest.mark.integration, pytest.mark.corpus]

CASES = load_cases()
RULES = Path(__file__).parent / "rules.yml"

# the mart each dataset feeds, one mart row per accepted file row (every SIS but Harmony,
# whose cases name their mart deltas in `expect.marts`)
MART_OF = {
    "students": "dim_student",
    "staff": "dim_staff",
    "teachers": "dim_staff",
    "courses": "dim_course",
    "course_crosswalk": "dim_course",
    "course_requests": "fct_course_request",
    "requests": "fct_course_request",
    "grades": "fct_student_grade",
    "gpa": "fct_student_gpa",
    "ibc": "fct_student_certification",
}


def _manifest(corpus: CorpusNight, night: CaseNight) -> tuple:
    """Tonight's manifest row of the case's dataset (the mutated file's, when it has one)."""
    rows = corpus.query(
        "select file_name, status, reason, data_lines, rows_loaded, rows_unparseable, load_id "
        "from pathways_meta.file_manifest where district_id = ? and dataset = ? and run_id = ("
        "  select max(run_id) from pathways_meta.file_manifest where district_id = ?)",
        [night.district.id, night.case.dataset, night.district.id],
    )
    name = night.mutated.file_name
    mutate = night.case.mutate
    if name is not None and (not mutate or night.case.dataset == mutate[-1]["dataset"]):
        # a name one folder down (Harmony's `<term>/students.csv`) names its folder too
        path = night.file.parent / name if night.file else None
        rel = path.relative_to(night.generated.folder).as_posix() if path else name
        rows = [r for r in rows if r[0] and r[0] in (rel, name)] or rows
    assert len(rows) == 1, f"tonight's manifest rows for {night.case.dataset}: {rows}"
    return rows[0]


def _mart_rows(corpus: CorpusNight, mart: str, district_id: str) -> int:
    return corpus.query(f"select count(*) from marts.{mart} where district_id = ?", [district_id])[
        0
    ][0]


def _in_use(corpus: CorpusNight, night: CaseNight) -> str | None:
    rows = corpus.query(
        "select file_name from staging.stg_pathways__latest_good_files "
        "where district_id = ? and dataset = ?",
        [night.district.id, night.case.dataset],
    )
    return rows[0][0].split("/")[-1] if rows else None


def test_the_corpus_night_builds(corpus_night):
    print(
        f"corpus night, {len(corpus_night.nights)} cases: "
        + ", ".join(f"{phase} {s:.1f} s" for phase, s in corpus_night.seconds.items())
    )
    errors = [r for r in corpus_night.build.results if r.status in ("error", "runtime error")]
    errors = [r for r in errors if r.resource_type != "test"]  # data tests may fail: bad data
    assert errors == [], [f"{r.resource_type} {r.name}: {r.message[:200]}" for r in errors]


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_case(corpus_night, name):
    night = corpus_night.nights[name]
    case, expect = night.case, night.case.expect
    decl_header = 1 if _declares_header(night) else 0
    file_name, status, reason, data_lines, rows_loaded, unparseable, load_id = _manifest(
        corpus_night, night
    )

    # the finding: the file's status and reason
    want_status = expect.get("status", "loaded")
    assert status == want_status, f"{case.path.name}: file {file_name} is {status} ({reason})"
    if "reason" in expect:
        assert expect["reason"] in (reason or ""), f"{case.path.name}: reason was {reason!r}"
    if "file" in expect:
        assert (file_name or "").split("/")[-1] == expect["file"], file_name

    # the finding: exactly these rows rejected, each with its row number (line in the file)
    rejected = corpus_night.query(
        "select row_number, reason, source_file from validation.rejected_rows "
        "where district_id = ? and dataset = ? order by row_number, reason",
        [night.district.id, case.dataset],
    )
    want = sorted((r["row"] + decl_header, r["reason"]) for r in expect.get("rejected") or [])
    assert [(n, r) for n, r, _ in rejected] == want, case.path.name

    mart = MART_OF.get(case.dataset)
    generated_rows = night.generated.rows.get(case.dataset, 0)
    if status == "loaded":
        # nothing lost: every row of the file is staged, accepted or kept as rejected...
        (summary,) = corpus_night.query(
            "select is_in_use, rows_received, rows_staged, rows_accepted, rows_rejected "
            "from validation.load_summary where district_id = ? and dataset = ? "
            "and file_sha256 = (select file_sha256 from pathways_meta.file_manifest "
            "  where district_id = ? and file_name = ? and load_id = ?)",
            [night.district.id, case.dataset, night.district.id, file_name, load_id],
        )
        in_use, received, staged, accepted, rows_rejected = summary
        assert in_use
        # a line that cannot be parsed is not staged: it is a parse rejection of its own
        assert received == night.mutated.data_rows
        assert staged == received - (unparseable or 0)
        assert accepted + rows_rejected == staged
        assert rows_rejected + (unparseable or 0) == len(want)
        assert {source.split("/")[-1] for _, _, source in rejected} <= {file_name.split("/")[-1]}
        # ...and every accepted row reached its mart
        expected_marts = {mart: accepted - generated_rows} if mart else {}
        if case.dataset == "users":  # every accepted user is a staff row with an account
            accounts = corpus_night.query(
                "select count(*) from marts.dim_staff where district_id = ? "
                "and has_pathways_account",
                [night.district.id],
            )
            assert accounts == [(accepted,)], f"{case.path.name}: accounts {accounts}"
    else:
        # nothing lost: the previous good file stays in use, its mart as it was
        assert _in_use(corpus_night, night) == night.previous_files.get(case.dataset)
        if load_id and data_lines:  # a file that was parsed keeps its rows in raw
            assert rows_loaded + unparseable == data_lines
        expected_marts = {mart: 0} if mart and case.previous else {}
    expected_marts.update(expect.get("marts") or {})
    for mart_name, delta in expected_marts.items():
        want_rows = night.generated.expected_marts.get(mart_name, 0) + delta
        if not case.previous and status != "loaded" and "marts" not in expect:
            continue
        got = _mart_rows(corpus_night, mart_name, night.district.id)
        assert got == want_rows, f"{case.path.name}: {mart_name} holds {got}, want {want_rows}"
    if case.worksheet is not None or {"worksheet", "worksheet_error", "tests"} & set(expect):
        _worksheet(corpus_night, night)


def test_crosswalk_rows_stay_with_their_district(corpus_night):
    """A case's crosswalk rows name its district: another case sending the same code of the
    same SIS without the row still has it rejected, and the repo's seeds are untouched."""
    nights = corpus_night.nights.values()
    declared = [(n, line) for n in nights for rows in n.case.crosswalk_rows.values()
                for line in rows]  # fmt: skip
    if not declared:
        pytest.skip("no selected case declares crosswalk rows")
    checked = 0
    for night, line in declared:
        sis, _, code = line.split(",")[:3]
        for other in nights:
            if other is night or other.district.sis != sis:
                continue
            for row in other.case.expect.get("rejected") or []:
                if f" {code} " in f" {row['reason']} ":
                    found = corpus_night.query(
                        "select count(*) from validation.rejected_rows "
                        "where district_id = ? and reason = ?",
                        [other.district.id, row["reason"]],
                    )
                    assert found[0][0] >= 1, (other.case.name, row)
                    checked += 1
    seeds = Path(__file__).parents[2] / "seeds"
    for path in seeds.glob("xwalk_*.csv"):
        assert "case_" not in path.read_text(encoding="utf-8"), path
    print(f"{len(declared)} crosswalk rows; {checked} rejections of other cases still there")


def _worksheet(corpus: CorpusNight, night: CaseNight) -> None:
    """The worksheet's finding: its comparison rows, the ingest's error for a malformed one,
    and the rows each named data test stores for the district."""
    case, expect = night.case, night.case.expect
    errors = corpus.report.worksheet_errors
    if "worksheet_error" in expect:
        path = corpus.worksheets / f"{night.district.id}.csv"
        want = expect["worksheet_error"].format(district=night.district.id, worksheet=path)
        assert errors.get(night.district.id) == want, case.path.name
    else:
        assert night.district.id not in errors, errors[night.district.id]
    if "worksheet" in expect:
        rows = corpus.query(
            "select line_number, expected_count, actual_count, is_within_tolerance "
            "from validation.worksheet_comparison where district_id = ? order by line_number",
            [night.district.id],
        )
        want = [(w["line"], w["expected"], w["actual"], w["within"]) for w in expect["worksheet"]]
        assert rows == want, case.path.name
    for test, n in (expect.get("tests") or {}).items():
        relation = corpus.stored_failures(test)
        assert relation, f"no stored failures of {test} in the build"
        (got,) = corpus.query(
            f"select count(*) from {relation} where district_id = ?", [night.district.id]
        )[0]
        assert got == n, f"{case.path.name}: {test} stores {got} rows for it, want {n}"
        if n:
            (result,) = [r for r in corpus.build.results if r.name == test]
            assert result.status in ("warn", "fail"), result


def _declares_header(night: CaseNight) -> bool:
    from tests.corpus.conftest import declaration

    return declaration(night.district, night.case.dataset).header


def test_rule_coverage():
    """Every id a case covers is in rules.yml, and every row rule is covered by a case or
    listed under `not_covered` with its reason. Prints the coverage (pytest -s)."""
    inventory = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    known = {
        key: set(inventory.get(key) or {})
        for key in ("row_rules", "sis_rules", "file_findings", "onboarding_findings")
    }
    every = set().union(*known.values())
    covered: dict[str, list[str]] = {}
    for case in load_cases(CASES_DIR, names="*"):
        unknown = set(case.covers) - every
        assert not unknown, (
            f"{case.path.name} covers unknown ids {sorted(unknown)}: add them to {RULES.name}"
        )
        for rule in case.covers:
            covered.setdefault(rule, []).append(case.name)
    row_rules = known["row_rules"]
    not_covered = inventory.get("not_covered") or {}
    uncovered = sorted(row_rules - set(covered) - set(not_covered))
    print(
        f"row rules covered {len(row_rules & set(covered))}/{len(row_rules)}; "
        f"file findings covered {len(known['file_findings'] & set(covered))}/"
        f"{len(known['file_findings'])}; onboarding findings covered "
        f"{len(known['onboarding_findings'] & set(covered))}/"
        f"{len(known['onboarding_findings'])}; not covered: {sorted(set(not_covered))}"
    )
    assert uncovered == [], (
        f"row rules without a case (add one, or list it in not_covered): {uncovered}"
    )
