"""`pathways validate`: is a district ready for training? One plain data structure per
district (collect), the verdict on it (verdict, a pure function), and two renderings: the
terminal summary and a self-contained HTML page (inline CSS and SVG, nothing fetched).

Everything is read from the warehouse, opened read-only, and from the last `dbt build`'s
results kept next to it (ingest.transform.build_results_path). Only identifiers reach the
output: file names, dataset names, line numbers, student / staff IDs and course codes, and
the rule messages (which name columns and codes, never names or birth dates).

The approval criteria (README, "Approving a district"):
1. every required dataset of the district's SIS has a file in use, and the latest file
   received for it was loaded (or was a duplicate of the loaded one);
2. no error-severity dbt test (or model) failed for the district in the last build;
3. per dataset, rejected rows (row rules plus unparseable lines) are at most
   `approval.max_rejected_share` of the rows received (districts.yml, default 2%);
4. a worksheet was received and every line is within its tolerance.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest.paths import DBT_PROJECT_DIR
from ingest.registry import API_TRANSFER, District

DEFAULT_MAX_REJECTED_SHARE = 0.02
SAMPLE_KEYS = 5  # sample keys shown per failing rule
TOP_RULES = 2  # rules named in a rejected-share reason
ALL = "all"  # a worksheet line's empty school or grade: every school / grade
ACCEPTED_LATEST = ("loaded", "duplicate")  # a duplicate re-sends the content in use

# The entity models whose rows carry the IDs a district can look up (never names or dates).
ID_COLUMNS = ("student_id", "staff_id", "course_code")
ENTITY_MODELS = (
    "int_students__unioned",
    "int_staff__unioned",
    "int_courses__unioned",
    "int_course_requests__unioned",
    "int_grades__unioned",
    "int_gpa__unioned",
    "int_certifications__unioned",
)

# How a district fixes a failing row rule, by the shape of its message (macros/rules).
RULE_FIXES = (
    (
        "is missing",
        "Fill in the field in the SIS (or add the column to the export) and re-send the file.",
    ),
    (
        "appear on more than one row",
        "Remove the duplicate records in the SIS or the export so each key appears once.",
    ),
    (
        "appears on more than one row",
        "Remove the duplicate records in the SIS or the export so each ID appears once.",
    ),
    (
        "is not an accepted student",
        "Fix the student's own row in the students file first (see its rule); this row "
        "follows once the student is accepted.",
    ),
    (
        "does not match the",
        "Correct the identifier in the SIS to the state's format shown (length and digits).",
    ),
    (
        "is not one of the district's schools",
        "Use the district's school numbers, or add the school to districts.yml (schools).",
    ),
    (
        "is not a known",
        "A code Pathways does not know: if it is the district's own code, add a crosswalk row "
        "for it (seeds/xwalk_*.csv, naming the district); otherwise correct it in the SIS.",
    ),
    (
        "is not a valid",
        "Send the date in the format shown; correct the record in the SIS.",
    ),
    (
        "is outside its scale",
        "Check the GPA and its scale in the SIS export (a weighted GPA needs its own scale).",
    ),
    (
        "exceeds",
        "Correct the record in the SIS: a value is larger than the one it is bounded by.",
    ),
    ("is not a", "Correct the value in the SIS to the kind the message names and re-send."),
    ("is negative", "Correct the value in the SIS: it cannot be negative."),
    ("is listed more than once", "Keep one listing of the course per school year in the export."),
)
PARSE_FIX = (
    "The line could not be read as a record (wrong number of fields, an unclosed quote): "
    "fix the export so every line has the declared columns, then re-send the file."
)
GENERIC_TEST_FIX = (
    "A model-level test of the common model failed: run `dbt test --select {name}` in "
    "dbt_project/ to see its rows. It is usually a crosswalk or code fix for the Pathways "
    "team rather than a district one."
)


@dataclass(frozen=True)
class FileLine:
    """One file received (load_summary), with when it arrived against the night's cutoff."""

    dataset: str
    file_name: str | None
    status: str
    reason: str | None
    received_at: str | None
    arrived_at: str | None
    cutoff_at: str | None
    arrived_before_cutoff: bool | None
    is_in_use: bool


@dataclass(frozen=True)
class DatasetRows:
    """Rows of the file in use of one dataset, and the latest file's status."""

    dataset: str
    required: bool
    latest_status: str | None  # the most recently received file's status; None: never sent
    latest_reason: str | None
    file_name: str | None  # the file in use
    rows_received: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0  # by a row rule or unparseable

    @property
    def in_use(self) -> bool:
        return self.file_name is not None

    @property
    def rejected_share(self) -> float:
        return self.rows_rejected / self.rows_received if self.rows_received else 0.0


@dataclass(frozen=True)
class RuleFailure:
    dataset: str
    stage: str  # row_rule or parse
    rule: str
    rows: int
    how_to_fix: str
    sample_keys: tuple[str, ...]


@dataclass(frozen=True)
class UnmappedCode:
    """A code of the district that no crosswalk row maps: its rows are rejected until the
    district's own row is added (README, "District-level overrides")."""

    seed: str
    label: str  # the column, as the rule names it (MARK_TYPE)
    code: str
    rows: int
    row_to_paste: str  # the seed's line for the district, target columns to fill in

    @property
    def fix(self) -> str:
        return (
            f"add to seeds/{self.seed}.csv the district's row `{self.row_to_paste}` with what "
            f"{self.label} {self.code} means filled in, then `pathways build`"
        )


@dataclass(frozen=True)
class CheckFailure:
    name: str
    status: str  # fail, error, runtime error, warn
    severity: str  # error or warn (as it ended)
    rows: int | None  # failing rows of this district; None: the test does not name districts
    what: str
    how_to_fix: str

    @property
    def is_error(self) -> bool:
        return self.status in ("fail", "error", "runtime error")


@dataclass(frozen=True)
class WorksheetLine:
    dataset: str
    school_id: str
    grade_level: str
    expected: int
    actual: int
    difference: int
    tolerance_pct: float
    allowed_difference: float
    within: bool


@dataclass
class DistrictValidation:
    district_id: str
    name: str
    sis: str
    state: str
    status: str
    max_rejected_share: dict[str, float]
    files: list[FileLine] = field(default_factory=list)
    datasets: list[DatasetRows] = field(default_factory=list)
    rules: list[RuleFailure] = field(default_factory=list)
    tests: list[CheckFailure] | None = None  # None: no build results for this warehouse
    worksheet: list[WorksheetLine] | None = None  # None: no worksheet comparison model
    reasons: list[str] = field(default_factory=list)
    unmapped: list[UnmappedCode] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.reasons


# ---------------------------------------------------------------- the verdict (pure)


def share_limit(limits: Mapping[str, float], dataset: str) -> float:
    return float(limits.get(dataset, limits.get("*", DEFAULT_MAX_REJECTED_SHARE)))


def verdict(
    datasets: Sequence[DatasetRows],
    tests: Sequence[CheckFailure] | None,
    worksheet: Sequence[WorksheetLine] | None,
    max_rejected_share: Mapping[str, float],
    rules: Sequence[RuleFailure] = (),
) -> list[str]:
    """Every reason the district is not ready for training; empty when it is. A dataset
    rejected beyond its share names its most frequent rules (`rules`)."""
    reasons: list[str] = []
    for d in datasets:
        if not d.required:
            continue
        if not d.in_use:
            why = f"the latest was {d.latest_status}" if d.latest_status else "none received"
            reasons.append(f"{d.dataset}: no file in use ({why}{_because(d.latest_reason)})")
        elif d.latest_status not in ACCEPTED_LATEST:
            reasons.append(
                f"{d.dataset}: the latest file was {d.latest_status}{_because(d.latest_reason)}; "
                f"the data shown is from the older {d.file_name}"
            )
    if tests is None:
        reasons.append(
            "no dbt build results for this warehouse: run `pathways nightly` or `pathways build`"
        )
    else:
        for t in tests:
            if not t.is_error:
                continue
            scope = (
                f"{t.rows:,} failing rows for the district"
                if t.rows is not None
                else "its rows do not name a district"
            )
            reasons.append(f"dbt {t.name} failed (error severity, {scope})")
    for d in datasets:
        if not d.in_use:
            continue
        limit = share_limit(max_rejected_share, d.dataset)
        if d.rejected_share > limit:
            top = sorted((r for r in rules if r.dataset == d.dataset), key=lambda r: -r.rows)
            named = "; ".join(f"{r.rule} ({r.rows:,} rows)" for r in top[:TOP_RULES])
            reasons.append(
                f"{d.dataset}: {d.rejected_share:.1%} of rows rejected ({d.rows_rejected:,} of "
                f"{d.rows_received:,}), above the {limit:.1%} allowed"
                + (f": {named}" if named else "")
                + (f" and {len(top) - TOP_RULES} more rules" if len(top) > TOP_RULES else "")
            )
    if not worksheet:
        reasons.append(
            "no worksheet received: the district's Data Validation Worksheet is not loaded "
            "(validation.worksheet_comparison has no line for it)"
        )
    else:
        for w in worksheet:
            if not w.within:
                reasons.append(
                    f"worksheet {w.dataset}, {_school(w.school_id)}, {_grade(w.grade_level)}: "
                    f"expected {w.expected:,}, actual {w.actual:,} (difference {w.difference:+,}, "
                    f"allowed ±{w.allowed_difference:g})"
                )
    return reasons


def _school(school_id: str) -> str:
    return "all schools" if school_id == ALL else f"school {school_id}"


def _grade(grade_level: str) -> str:
    return "all grades" if grade_level == ALL else f"grade {grade_level}"


def _because(reason: str | None) -> str:
    return f": {reason}" if reason else ""


# ---------------------------------------------------------------- reading the warehouse


def approval_limits(district: District) -> dict[str, float]:
    """`approval: {max_rejected_share: 0.02}` or a mapping per dataset (`"*"`: the rest)."""
    setting = (getattr(district, "approval", None) or {}).get("max_rejected_share")
    if setting is None:
        return {"*": DEFAULT_MAX_REJECTED_SHARE}
    if isinstance(setting, Mapping):
        limits = {str(k): float(v) for k, v in setting.items()}
        limits.setdefault("*", DEFAULT_MAX_REJECTED_SHARE)
        return limits
    return {"*": float(setting)}


def required_datasets(district: District) -> dict[str, bool]:
    """dataset -> required, for the district's SIS and state."""
    if district.transfer_method == API_TRANSFER:
        from ingest.powerschool.queries import load_queries

        return {q.dataset: True for q in load_queries().values()}
    from ingest.declarations import declarations_for

    return {
        d.dataset: d.required
        for d in declarations_for(district.sis)
        if d.applies_to_state(district.state)
    }


def collect(
    db_path: Path, districts: Sequence[District], build_results: Path | None = None
) -> list[DistrictValidation]:
    """One DistrictValidation per district, its verdict included."""
    from ingest.transform import build_results_path

    build_results = build_results or build_results_path(db_path)
    nodes = _build_nodes(build_results)
    out = []
    with duckdb.connect(str(db_path), read_only=True) as con:
        for district in districts:
            v = DistrictValidation(
                district_id=district.id,
                name=district.name,
                sis=district.sis,
                state=district.state,
                status=district.status,
                max_rejected_share=approval_limits(district),
            )
            v.files = _files(con, district.id)
            v.datasets = _datasets(con, district, v.files)
            v.rules = _rules(con, district.id)
            v.unmapped = unmapped_codes(con, district)
            v.tests = None if nodes is None else _tests(con, district.id, nodes)
            v.worksheet = _worksheet(con, district.id)
            v.reasons = verdict(v.datasets, v.tests, v.worksheet, v.max_rejected_share, v.rules)
            out.append(v)
    return out


def _files(con, district_id: str) -> list[FileLine]:
    rows = con.execute(
        """
        select dataset, file_name, status, reason,
            strftime(received_at_local, '%Y-%m-%d %H:%M'),
            strftime(arrived_at_local, '%Y-%m-%d %H:%M'),
            strftime(cutoff_at_local, '%Y-%m-%d %H:%M'),
            arrived_before_cutoff, coalesce(is_in_use, false)
        from validation.load_summary
        where district_id = ?
        order by received_at desc, dataset, file_name
        """,
        [district_id],
    ).fetchall()
    return [FileLine(*r) for r in rows]


def _datasets(con, district: District, files: list[FileLine]) -> list[DatasetRows]:
    in_use = {
        r[0]: r[1:]
        for r in con.execute(
            """
            select dataset, file_name, coalesce(rows_received, 0), coalesce(rows_accepted, 0),
                coalesce(rows_rejected, 0) + coalesce(rows_unparseable, 0)
            from validation.load_summary
            where district_id = ? and is_in_use
            """,
            [district.id],
        ).fetchall()
    }
    latest: dict[str, FileLine] = {}
    for f in files:  # newest first
        latest.setdefault(f.dataset, f)
    wanted = required_datasets(district)
    names = list(wanted) + sorted((set(latest) | set(in_use)) - set(wanted))
    out = []
    for name in names:
        last = latest.get(name)
        use = in_use.get(name)
        out.append(
            DatasetRows(
                dataset=name,
                required=wanted.get(name, False),
                latest_status=last.status if last else None,
                latest_reason=last.reason if last else None,
                file_name=use[0] if use else None,
                rows_received=use[1] if use else 0,
                rows_accepted=use[2] if use else 0,
                rows_rejected=use[3] if use else 0,
            )
        )
    return out


def _sample_ids(con, district_id: str) -> dict[tuple[str, int], str]:
    """(file sha256, line) -> `student_id 000123, course_code 0532` of the district's rows."""
    ids: dict[tuple[str, int], str] = {}
    for model in ENTITY_MODELS:
        try:
            columns = {r[0] for r in con.execute(f"describe intermediate.{model}").fetchall()}
        except duckdb.CatalogException:
            continue
        present = [c for c in ID_COLUMNS if c in columns]
        if not present:
            continue
        rows = con.execute(
            f"select _file_sha256, _row_number, {', '.join(present)} from intermediate.{model} "
            "where district_id = ? and rejection_reason is not null",
            [district_id],
        ).fetchall()
        for sha, line, *values in rows:
            shown = [f"{c} {v}" for c, v in zip(present, values, strict=True) if v is not None]
            if shown:
                ids[(sha, int(line))] = ", ".join(shown)
    return ids


def _rules(con, district_id: str) -> list[RuleFailure]:
    rows = con.execute(
        """
        select dataset, rejection_stage, reason, source_file, file_sha256, row_number
        from validation.rejected_rows
        where district_id = ?
        order by dataset, row_number
        """,
        [district_id],
    ).fetchall()
    ids = _sample_ids(con, district_id) if rows else {}
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for dataset, stage, reason, source_file, sha, line in rows:
        key = f"{source_file} line {line}"
        if (sha, int(line)) in ids:
            key += f" ({ids[(sha, int(line))]})"
        for rule in _split_reason(stage, reason or ""):
            grouped.setdefault((dataset, stage, rule), []).append(key)
    out = [
        RuleFailure(
            dataset=dataset,
            stage=stage,
            rule=rule,
            rows=len(keys),
            how_to_fix=PARSE_FIX if stage == "parse" else rule_fix(rule),
            sample_keys=tuple(keys[:SAMPLE_KEYS]),
        )
        for (dataset, stage, rule), keys in grouped.items()
    ]
    return sorted(out, key=lambda r: (r.dataset, -r.rows, r.rule))


def unmapped_codes(con, district: District) -> list[UnmappedCode]:
    """The district's codes its crosswalks lack, by the rows they reject, each with the
    district's crosswalk row to paste."""
    from ingest.crosswalks import crosswalk_row
    from ingest.onboard import unmapped_code

    rows = con.execute(
        "select dataset, reason from validation.rejected_rows "
        "where district_id = ? and rejection_stage <> 'parse'",
        [district.id],
    ).fetchall()
    counts: dict[tuple[str, str, str], int] = {}
    for dataset, reason in rows:
        for part in _split_reason("row_rule", reason or ""):
            miss = unmapped_code(dataset, part)
            if miss:
                counts[miss] = counts.get(miss, 0) + 1
    out = []
    for (seed, label, code), n in counts.items():
        try:
            row = crosswalk_row(seed, district.sis, district.id, code)
        except (ValueError, OSError):  # not a seed with the district column: name it only
            row = f"{district.sis},{district.id},{code},..."
        out.append(UnmappedCode(seed, label, code, n, row))
    return sorted(out, key=lambda u: (-u.rows, u.seed, u.code))


def _split_reason(stage: str, reason: str) -> list[str]:
    parts = [p.strip() for p in reason.split("; ") if p.strip()]
    if stage == "parse":  # the parser's own message may quote the line: keep type and column
        return sorted({p.split(":", 1)[0].strip() for p in parts}) or ["unparseable line"]
    return parts


def rule_fix(rule: str) -> str:
    for phrase, fix in RULE_FIXES:
        if phrase in rule:
            return fix
    return "Correct the record in the SIS as the message says and re-send the file."


def _build_nodes(path: Path) -> list[dict] | None:
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8")).get("results", [])


def _tests(con, district_id: str, nodes: list[dict]) -> list[CheckFailure]:
    """Failed and warning nodes of the last build that concern the district: a test whose
    stored failures have a district_id column counts only when it has rows for the
    district; any other failed node (not stored, no district column, a model) counts for
    every district, as it cannot be told apart."""
    out = []
    for node in nodes:
        status = node.get("status")
        if status not in ("fail", "error", "runtime error", "warn"):
            continue
        relation = node.get("relation_name") if node.get("resource_type") == "test" else None
        rows = _district_failures(con, relation, district_id)
        if rows == 0:
            continue
        what, fix = node_header(node)
        out.append(
            CheckFailure(
                name=f"{node.get('resource_type') or 'node'} {node.get('name')}",
                status=status,
                severity="warn" if status == "warn" else "error",
                rows=rows,
                what=what,
                how_to_fix=fix,
            )
        )
    return sorted(out, key=lambda t: (not t.is_error, t.name))


def _district_failures(con, relation: str | None, district_id: str) -> int | None:
    if not relation:
        return None
    try:
        columns = {r[0] for r in con.execute(f"describe {relation}").fetchall()}
    except duckdb.Error:
        return None
    if "district_id" not in columns:
        return None
    return con.execute(
        f"select count(*) from {relation} where district_id = ?", [district_id]
    ).fetchone()[0]


_HEADER = re.compile(
    r"What is this test\?(?P<what>.*?)When is this important to resolve\?.*?"
    r"How to resolve\?(?P<how>.*)",
    re.S,
)


def node_header(node: Mapping) -> tuple[str, str]:
    """(what, how to resolve) from a singular test's header comment; generic text else."""
    path = node.get("original_file_path")
    if path and node.get("resource_type") == "test":
        file = (DBT_PROJECT_DIR / path).resolve()
        if file.is_file() and file.suffix == ".sql":
            comment = []
            for line in file.read_text(encoding="utf-8").splitlines():
                if not line.startswith("--"):
                    break
                comment.append(line[2:].strip())
            found = _HEADER.search("\n".join(comment))
            if found:
                return _flat(found["what"]), _flat(found["how"])
    name = node.get("name") or "?"
    if node.get("resource_type") != "test":
        return (
            f"the {node.get('resource_type')} {name} did not build",
            "A build error is for the Pathways team: read dbt_project/logs/dbt.log.",
        )
    return f"the data test {name}", GENERIC_TEST_FIX.format(name=name)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _worksheet(con, district_id: str) -> list[WorksheetLine] | None:
    try:
        rows = con.execute(
            """
            select dataset, school_id, grade_level, expected_count, actual_count, difference,
                tolerance_pct, allowed_difference, is_within_tolerance
            from validation.worksheet_comparison
            where district_id = ?
            """,
            [district_id],
        ).fetchall()
    except duckdb.CatalogException:  # the worksheet comparison is not built in this warehouse
        return None
    lines = [
        WorksheetLine(
            dataset=str(r[0]),
            school_id=str(r[1]) if r[1] is not None else ALL,  # NULL: the district total
            grade_level=str(r[2]) if r[2] is not None else ALL,
            expected=int(r[3] or 0),
            actual=int(r[4] or 0),
            difference=int(r[5] if r[5] is not None else (r[4] or 0) - (r[3] or 0)),
            tolerance_pct=float(r[6] or 0),
            allowed_difference=float(r[7] or 0),
            within=bool(r[8]),
        )
        for r in rows
    ]
    return sorted(
        lines,
        key=lambda w: (w.dataset, w.school_id == ALL, w.school_id, grade_order(w.grade_level)),
    )


def grade_order(grade: str) -> tuple[int, str]:
    special = {"PK": -1, "KG": 0}
    if grade in special:
        return special[grade], grade
    return (int(grade), grade) if grade.isdigit() else (99, grade)


# ---------------------------------------------------------------- terminal


def verdict_line(v: DistrictValidation, first: int = 2) -> str:
    """One line: the verdict, its first reasons and, for codes no crosswalk maps, the
    district rows to add."""
    if v.ready:
        return f"{v.district_id}: READY for training"
    more = f" (+{len(v.reasons) - first} more)" if len(v.reasons) > first else ""
    line = f"{v.district_id}: NOT READY for training: {' | '.join(v.reasons[:first])}{more}"
    if v.unmapped:  # the district's own codes: the rows that map them, to fill in
        by_seed: dict[str, list[str]] = {}
        for u in v.unmapped:
            by_seed.setdefault(u.seed, []).append(f"`{u.row_to_paste}`")
        rows = "; ".join(f"seeds/{seed}.csv {', '.join(r)}" for seed, r in by_seed.items())
        line += (
            f" | district-defined codes: add its rows to {rows} (fill in what each code "
            "means), then rebuild"
        )
    return line


def render_terminal(v: DistrictValidation, report_file: Path | None = None) -> str:
    verdict_text = "READY for training" if v.ready else "NOT READY for training"
    lines = [f"== {v.district_id} ({v.sis}, {v.state}, {v.status}): {verdict_text} =="]
    lines += [f"  - {r}" for r in v.reasons]
    lines.append("  datasets (file in use: received / accepted / rejected):")
    for d in v.datasets:
        if d.in_use:
            lines.append(
                f"    {d.dataset:<22} {d.rows_received:>8,} {d.rows_accepted:>8,} "
                f"{d.rows_rejected:>6,} ({d.rejected_share:.1%})  latest: {d.latest_status}"
            )
        else:
            lines.append(f"    {d.dataset:<22} no file in use  latest: {d.latest_status or '-'}")
    if v.rules:
        lines.append("  failing rules (rows, rule, sample keys):")
        for r in v.rules:
            lines.append(f"    {r.rows:>6,}  {r.dataset}: {r.rule}  [{'; '.join(r.sample_keys)}]")
    if v.unmapped:
        lines.append("  codes no crosswalk maps (rows rejected, the district's row to add):")
        for u in v.unmapped:
            lines.append(
                f"    {u.rows:>6,}  {u.label} {u.code}  seeds/{u.seed}.csv: {u.row_to_paste}"
            )
    if v.tests:
        lines.append("  failing dbt tests:")
        for t in v.tests:
            rows = "?" if t.rows is None else f"{t.rows:,}"
            lines.append(f"    {t.status.upper():<5} {t.name} ({rows} rows)")
    if v.worksheet:
        outside = sum(not w.within for w in v.worksheet)
        lines.append(f"  worksheet: {len(v.worksheet)} lines, {outside} outside tolerance")
    if report_file:
        lines.append(f"  report: {report_file}")
    return "\n".join(lines)


# ---------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1d2330}
h1{margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ccd;padding-bottom:.2rem}
.meta{color:#556}.verdict{font-size:1.4rem;font-weight:700;padding:.6rem 1rem;border-radius:6px;
display:inline-block;margin:1rem 0}.ready{background:#dff3e4;color:#17612d}
.not-ready{background:#fbe3e1;color:#8a1c12}
table{border-collapse:collapse;margin:.5rem 0;max-width:100%}
th,td{border:1px solid #ccd;padding:.25rem .6rem;text-align:left;vertical-align:top;
overflow-wrap:break-word}svg{max-width:100%;height:auto}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}.bad{color:#8a1c12;font-weight:600}
.fix{color:#334;font-size:.92rem}.keys{font-family:ui-monospace,monospace;font-size:.85rem}
svg text{font-size:12px;font-family:system-ui,sans-serif}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def render_html(v: DistrictValidation) -> str:
    title = f"Pathways validation: {v.district_id}"
    verdict_text = "Ready for training" if v.ready else "Not ready for training"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{_e(v.name)}</h1>",
        f'<p class="meta">{_e(v.district_id)} · {_e(v.sis)} · {_e(v.state)} · status '
        f"{_e(v.status)}</p>",
        f'<div id="verdict" class="verdict {"ready" if v.ready else "not-ready"}">'
        f"{verdict_text}</div>",
    ]
    if v.reasons:
        parts.append('<h2>Why not</h2><ul id="reasons">')
        parts += [f"<li>{_e(r)}</li>" for r in v.reasons]
        parts.append("</ul>")
    parts.append(_html_datasets(v))
    parts.append(_html_rules(v))
    parts.append(_html_unmapped(v))
    parts.append(_html_tests(v))
    parts.append(_html_worksheet(v))
    parts.append(_html_files(v))
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


def _html_datasets(v: DistrictValidation) -> str:
    rows = []
    for d in v.datasets:
        limit = share_limit(v.max_rejected_share, d.dataset)
        bad = d.in_use and d.rejected_share > limit
        rows.append(
            f'<tr data-dataset="{_e(d.dataset)}"><td>{_e(d.dataset)}</td>'
            f"<td>{'yes' if d.required else 'no'}</td><td>{_e(d.file_name or '—')}</td>"
            f'<td class="num received">{d.rows_received}</td>'
            f'<td class="num accepted">{d.rows_accepted}</td>'
            f'<td class="num rejected{" bad" if bad else ""}">{d.rows_rejected}</td>'
            f'<td class="num">{d.rejected_share:.1%} (max {limit:.1%})</td>'
            f"<td>{_e(d.latest_status or 'none received')}</td></tr>"
        )
    return (
        "<h2>Rows per dataset</h2>"
        '<table id="datasets"><tr><th>dataset</th><th>required</th><th>file in use</th>'
        '<th class="num">received</th><th class="num">accepted</th><th class="num">rejected</th>'
        '<th class="num">rejected share</th><th>latest file</th></tr>' + "".join(rows) + "</table>"
    )


def _html_rules(v: DistrictValidation) -> str:
    if not v.rules:
        return '<h2>Failing rules</h2><p id="rules">No row was rejected.</p>'
    rows = [
        f"<tr><td>{_e(r.dataset)}</td><td>{_e(r.rule)}</td><td class='num'>{r.rows}</td>"
        f'<td class="fix">{_e(r.how_to_fix)}</td>'
        f'<td class="keys">{"<br>".join(_e(k) for k in r.sample_keys)}</td></tr>'
        for r in v.rules
    ]
    return (
        "<h2>Failing rules</h2>"
        '<table id="rules"><tr><th>dataset</th><th>rule</th><th class="num">rows</th>'
        "<th>how to fix</th><th>sample keys (file, line, IDs)</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _html_unmapped(v: DistrictValidation) -> str:
    if not v.unmapped:
        return ""
    rows = [
        f"<tr><td>{_e(u.label)}</td><td>{_e(u.code)}</td><td class='num'>{u.rows}</td>"
        f'<td>seeds/{_e(u.seed)}.csv</td><td class="keys">{_e(u.row_to_paste)}</td></tr>'
        for u in v.unmapped
    ]
    return (
        "<h2>District-defined codes no crosswalk maps</h2>"
        '<p class="fix">Ask the district what each code means, fill in the target columns of '
        "its row and add the row to the seed (it maps the code for this district only), then "
        "rebuild: its rows are accepted.</p>"
        '<table id="unmapped"><tr><th>column</th><th>code</th><th class="num">rows rejected</th>'
        "<th>seed</th><th>row to add</th></tr>" + "".join(rows) + "</table>"
    )


def _html_tests(v: DistrictValidation) -> str:
    if v.tests is None:
        return '<h2>dbt tests</h2><p id="tests">No build results for this warehouse.</p>'
    if not v.tests:
        return '<h2>dbt tests</h2><p id="tests">Every test passed for the district.</p>'
    rows = [
        f"<tr><td>{_e(t.status)}</td><td>{_e(t.name)}</td>"
        f"<td class='num'>{'?' if t.rows is None else t.rows}</td><td>{_e(t.what)}</td>"
        f'<td class="fix">{_e(t.how_to_fix)}</td></tr>'
        for t in v.tests
    ]
    return (
        "<h2>dbt tests failing or warning</h2>"
        '<table id="tests"><tr><th>status</th><th>test</th><th class="num">rows</th>'
        "<th>what</th><th>how to fix</th></tr>" + "".join(rows) + "</table>"
    )


def _html_worksheet(v: DistrictValidation) -> str:
    if not v.worksheet:
        return '<h2>Worksheet</h2><p id="worksheet">No worksheet received.</p>'
    return (
        "<h2>Worksheet: expected vs. actual</h2>"
        + worksheet_svg(v.worksheet)
        + (
            '<table id="worksheet"><tr><th>dataset</th><th>school</th><th>grade</th>'
            '<th class="num">expected</th><th class="num">actual</th>'
            '<th class="num">difference</th>'
            '<th class="num">allowed</th><th>within tolerance</th></tr>'
            + "".join(
                f'<tr class="line" data-dataset="{_e(w.dataset)}" data-school="{_e(w.school_id)}" '
                f'data-grade="{_e(w.grade_level)}"><td>{_e(w.dataset)}</td><td>{_e(w.school_id)}</td>'
                f'<td>{_e(w.grade_level)}</td><td class="num expected">{w.expected}</td>'
                f'<td class="num actual">{w.actual}</td><td class="num">{w.difference:+d}</td>'
                f'<td class="num">±{w.allowed_difference:g}</td>'
                f'<td class="{"" if w.within else "bad"}">{"yes" if w.within else "no"}</td></tr>'
                for w in v.worksheet
            )
            + "</table>"
        )
    )


def worksheet_svg(lines: Sequence[WorksheetLine]) -> str:
    """Horizontal bars, one per worksheet line: the actual count as a bar (red when outside
    the tolerance) over a light bar of the expected count, numbers written beside them."""
    label_w, bar_w, value_w, row_h = 270, 380, 170, 26
    top = 24
    height = top + row_h * len(lines) + 8
    scale = max([max(w.expected, w.actual) for w in lines] + [1])
    out = [
        f'<svg id="worksheet-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{label_w + bar_w + value_w}" height="{height}" '
        f'aria-label="worksheet expected vs actual per school and grade">',
        f'<text x="{label_w}" y="14" fill="#556">light: expected · dark: actual '
        "(red: outside tolerance)</text>",
    ]
    for i, w in enumerate(lines):
        y = top + i * row_h
        expected_len = bar_w * w.expected / scale
        actual_len = bar_w * w.actual / scale
        colour = "#2f7d4a" if w.within else "#c0392b"
        label = f"{w.dataset} · {_school(w.school_id)} · {_grade(w.grade_level)}"
        out += [
            f'<g class="line" data-school="{_e(w.school_id)}" data-grade="{_e(w.grade_level)}" '
            f'data-dataset="{_e(w.dataset)}">',
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{_e(label)}</text>',
            f'<rect class="expected" x="{label_w}" y="{y + 2}" width="{expected_len:.1f}" '
            f'height="{row_h - 6}" fill="#d6dbe6"/>',
            f'<rect class="bar actual" x="{label_w}" y="{y + 7}" width="{actual_len:.1f}" '
            f'height="{row_h - 16}" fill="{colour}" data-expected="{w.expected}" '
            f'data-actual="{w.actual}"/>',
            f'<text class="value" x="{label_w + bar_w + 6}" y="{y + 15}">expected '
            f'<tspan class="expected">{w.expected}</tspan> · actual '
            f'<tspan class="actual">{w.actual}</tspan></text>',
            "</g>",
        ]
    out.append("</svg>")
    return "".join(out)


def _html_files(v: DistrictValidation) -> str:
    rows = [
        f"<tr><td>{_e(f.dataset)}</td><td>{_e(f.file_name or '—')}</td><td>{_e(f.status)}</td>"
        f"<td>{_e(f.reason or '')}</td><td>{_e(f.received_at)}</td><td>{_e(f.arrived_at)}</td>"
        f"<td>{_e(f.cutoff_at)}</td><td>{_on_time(f.arrived_before_cutoff)}</td>"
        f"<td>{'yes' if f.is_in_use else ''}</td></tr>"
        for f in v.files
    ]
    return (
        "<h2>Files received</h2>"
        '<table id="files"><tr><th>dataset</th><th>file</th><th>status</th><th>reason</th>'
        "<th>received (district time)</th><th>arrived</th><th>cutoff</th>"
        "<th>before cutoff</th><th>in use</th></tr>" + "".join(rows) + "</table>"
    )


def _on_time(value: bool | None) -> str:
    return "—" if value is None else ("yes" if value else '<span class="bad">late</span>')


def write_reports(validations: Sequence[DistrictValidation], out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for v in validations:
        path = out_dir / f"{v.district_id}.html"
        path.write_text(render_html(v), encoding="utf-8")
        path.chmod(0o600)
        written[v.district_id] = path
    return written
