"""`pathways onboard`: a new district's first files -> its SIS, a registry entry to paste, a
trial load and build of that district alone, the codes its crosswalks lack and what its IT
must fix in the exports.

Recognition reads content, never trusts names: each file's encoding (readers.scan_bytes),
its delimiter (the candidate most frequent in the first line), and its first line against
the declared columns of every SIS (load_declarations, variants included). A headerless file
(Skyward SMS's course crosswalk) is placed by its shape — the same field count on every
sampled record, no declared column name in its first line — and only among the SIS the
headed files were recognized as. The name is a hint only: it picks between equal matches.

Nothing here prints a field value of a student: findings name files, columns, row numbers,
school ids, codes and counts.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from ingest.crosswalks import crosswalk_row as _crosswalk_row
from ingest.crosswalks import seed_columns
from ingest.declarations import PLATFORM, FileDeclaration, load_declarations
from ingest.paths import REPO_ROOT, dbt_project_dir, work_dir
from ingest.readers import FileProblem, scan_bytes

DELIMITERS = (",", "\t", "|", ";")
ALL_ENCODINGS = ("utf-8", "utf-16", "windows-1252")
HEAD_CHARS = 65536
SHAPE_SAMPLE = 20  # records a headerless file must all show the declared field count on
TEMPORARY = re.compile(r"^[.~]|\.tmp|\.part", re.IGNORECASE)
SCHOOL_COLUMNS = {"entity_id", "entity_code", "campus_id", "building", "school_id", "school_code"}
GRADE_COLUMNS = {"grade", "grade_level"}
STATE_ID_COLUMNS = re.compile(
    r"^(state_id|tx_unique_student_id|student_test_number|state_report_id)$"
)
SIS_STATES = {"ascender": "TX", "harmony": "TX", "skyward_qmlativ": "IN"}


def seeds_dir() -> Path:
    """The seeds of the dbt project the trial builds (`../seeds` of PATHWAYS_DBT_PROJECT_DIR,
    else the repo's): a copy with the district's crosswalk rows added is read as built."""
    return dbt_project_dir().parent / "seeds"


class OnboardError(RuntimeError):
    """Nothing could be recognized, or the trial could not run."""


# ---------------------------------------------------------------- recognition


@dataclass(frozen=True)
class Candidate:
    decl: FileDeclaration  # the variant's declaration when the layout has variants
    variant: str | None = None

    @property
    def label(self) -> str:
        v = f" ({self.variant})" if self.variant else ""
        return f"{self.decl.sis} {self.decl.dataset}{v}"


def candidates(declarations: dict[str, list[FileDeclaration]] | None = None) -> list[Candidate]:
    declarations = declarations if declarations is not None else load_declarations()
    found = []
    for decls in declarations.values():
        for decl in decls:
            if decl.variants:
                found += [Candidate(v, name) for name, v in decl.variants.items()]
            else:
                found.append(Candidate(decl))
    return found


@dataclass
class FileFinding:
    name: str  # relative to the folder, e.g. `2026_S1/students.csv`
    path: Path
    encoding: str | None = None
    delimiter: str | None = None
    fields: int = 0
    match: Candidate | None = None
    how: str = ""  # "header", "shape"
    problem: str | None = None  # why it is not recognized
    todo: str | None = None  # what to do about it
    notes: list[str] = field(default_factory=list)
    maybe_headerless: bool = False

    @property
    def sis(self) -> str | None:
        return self.match.decl.sis if self.match else None

    @property
    def dataset(self) -> str | None:
        return self.match.decl.dataset if self.match else None


@dataclass
class _Head:
    encoding: str
    first_fields: list[str]
    delimiter: str | None
    terminated: bool  # the first line ends with the `#!#` record terminator
    text: str


def list_folder(folder: Path) -> list[tuple[str, Path]]:
    """Regular files of the folder and of its subfolders one level down (like the local
    transfer); temporary names and links left out."""
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.is_symlink() or TEMPORARY.search(entry.name):
            continue
        if entry.is_file():
            found.append((entry.name, entry))
        elif entry.is_dir():
            for inner in sorted(entry.iterdir()):
                if inner.is_file() and not inner.is_symlink() and not TEMPORARY.search(inner.name):
                    found.append((f"{entry.name}/{inner.name}", inner))
    return found


def _read_head(path: Path) -> _Head:
    scan = scan_bytes(path, ALL_ENCODINGS)
    encoding = scan.encoding
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        text = fh.read(HEAD_CHARS).removeprefix("\ufeff")
    first = text.split("\n", 1)[0].rstrip("\r")
    counts = {d: first.count(d) for d in DELIMITERS}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else None
    fields = _split(first, delimiter) if delimiter else [first.strip()]
    terminated = bool(fields) and fields[-1] == "#!#"
    if terminated:
        fields = fields[:-1]
    return _Head(encoding, fields, delimiter, terminated, text)


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return [c.strip() for c in next(csv.reader(io.StringIO(line), delimiter=delimiter), [])]
    except csv.Error:
        return [c.strip() for c in line.split(delimiter)]


def _similarity(found: list[str], expected: tuple[str, ...]) -> float:
    a, b = set(found), set(expected)
    return len(a & b) / len(a | b) if a | b else 0.0


def header_diff(found: list[str], expected: tuple[str, ...]) -> str:
    """Renamed / missing / extra column names (names only, never values)."""
    missing = [c for c in expected if c not in found]
    extra = [c for c in found if c not in expected]
    renamed = []
    for position, name in enumerate(found):
        if name in extra and position < len(expected) and expected[position] in missing:
            renamed.append((expected[position], name, position + 1))
    for old, new, _ in renamed:
        missing.remove(old)
        extra.remove(new)
    parts = [f"column {pos} renamed: {old!r} is {new!r} in the file" for old, new, pos in renamed]
    if missing:
        parts.append(f"missing: {', '.join(repr(c) for c in missing)}")
    if extra:
        parts.append(f"extra: {', '.join(repr(c) for c in extra)}")
    if not parts:
        parts.append("the declared columns in another order")
    return "; ".join(parts)


def _name_hint(cand: Candidate, name: str) -> int:
    base = PurePosixPath(name).name.lower()
    return int(cand.decl.matches(name)) * 2 + int(cand.decl.dataset.lower() in base)


def _fits_shape(head: _Head, cand: Candidate) -> bool:
    decl = cand.decl
    if head.delimiter not in (decl.delimiter, None) or len(decl.columns) < 2:
        return False
    lines = [ln for ln in head.text.splitlines() if ln.strip()][:SHAPE_SAMPLE]
    if len(head.text) >= HEAD_CHARS:
        lines = lines[:-1]  # the last one may be cut
    if not lines:
        return False
    reader = csv.reader(lines, delimiter=decl.delimiter, quotechar=decl.quote or '"')
    try:
        return all(len(row) == len(decl.columns) for row in reader)
    except csv.Error:
        return False


def recognize_file(
    name: str, path: Path, cands: list[Candidate], sis: str | None = None
) -> FileFinding:
    """One file against every headed declaration (the SIS's only when `sis` is given)."""
    finding = FileFinding(name, path)
    if path.stat().st_size == 0:
        finding.problem = "the file is empty"
        finding.todo = "ask the district to check the export job (it wrote no header, no rows)"
        return finding
    try:
        head = _read_head(path)
    except (FileProblem, OSError) as err:
        finding.problem = f"unreadable: {err}"
        finding.todo = "ask the district to export UTF-8, Windows-1252 or UTF-16 text"
        return finding
    finding.encoding, finding.delimiter = head.encoding, head.delimiter
    if head.encoding == "utf-8" and _is_ascii(path):
        finding.encoding = "ascii"  # readable as any declared encoding
    finding.fields = len(head.first_fields)
    pool = [c for c in cands if c.decl.header and (sis is None or c.decl.sis == sis)]
    exact = [c for c in pool if list(c.decl.columns) == head.first_fields]
    if exact:
        # variants share columns: the dialect decides, then the name
        exact.sort(
            key=lambda c: (
                c.decl.delimiter == head.delimiter,
                bool(c.decl.record_terminator) == head.terminated,
                _encoding_declared(c.decl, finding.encoding),
                _name_hint(c, name),
            ),
            reverse=True,
        )
        finding.match, finding.how = exact[0], "header"
        decl = exact[0].decl
        if decl.delimiter != head.delimiter:
            finding.notes.append(
                f"delimiter {head.delimiter!r}, declared {decl.delimiter!r}: override proposed"
            )
        if not _encoding_declared(decl, finding.encoding):
            finding.notes.append(
                f"encoding {finding.encoding}, declared "
                f"{', '.join(decl.encodings)}: override proposed"
            )
        return finding
    scored = sorted(
        ((_similarity(head.first_fields, c.decl.columns), _name_hint(c, name), c) for c in pool),
        key=lambda t: (t[0], t[1]),
        reverse=True,
    )
    if scored and scored[0][0] > 0:
        score, _, best = scored[0]
        finding.problem = (
            f"header does not match any declaration; closest: {best.label} "
            f"({score:.0%} of column names shared): "
            + header_diff(head.first_fields, best.decl.columns)
        )
        finding.todo = (
            f"ask the district to restore the {best.label} export layout (column names as "
            f"declared, in order); if its SIS really names them so, change the declaration in "
            f"_{best.decl.sis}__sources.yml"
        )
        return finding
    finding.problem = (
        f"no declared column name in its first line ({finding.fields} fields, delimiter "
        f"{head.delimiter!r}, {head.encoding}): not a headed export of any SIS"
    )
    finding.todo = (
        "if it is a headerless export, it is placed once the SIS is known; otherwise ask the "
        "district what this file is, or leave it out of the folder"
    )
    finding.maybe_headerless = True
    return finding


def _is_ascii(path: Path) -> bool:
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            if not chunk.isascii():
                return False
    return True


def _encoding_declared(decl: FileDeclaration, encoding: str) -> bool:
    if encoding == "ascii":
        return True
    declared = {e.lower().replace("_", "-") for e in decl.encodings}
    if encoding in ("utf-8", "utf-8-sig"):
        return bool(declared & {"utf-8", "utf8", "utf-8-sig"})
    if encoding.startswith("utf-16"):
        return any(e.startswith("utf-16") for e in declared)
    return encoding in declared


def place_headerless(finding: FileFinding, cands: list[Candidate], sis: str) -> None:
    """A file with no declared column name in its first line, against the headerless
    layouts of the recognized SIS (field count on every sampled record)."""
    head = _read_head(finding.path)
    shaped = [c for c in cands if not c.decl.header and c.decl.sis == sis and _fits_shape(head, c)]
    if shaped:
        shaped.sort(key=lambda c: _name_hint(c, finding.name), reverse=True)
        finding.match, finding.how = shaped[0], "shape"
        finding.problem = finding.todo = None
        return
    layouts = [c for c in cands if not c.decl.header and c.decl.sis == sis]
    if layouts:
        finding.problem += "; nor the shape of " + ", ".join(
            f"{c.label} ({len(c.decl.columns)} fields, {c.decl.delimiter!r})" for c in layouts
        )


@dataclass
class Recognition:
    folder: Path
    sis: str | None
    variant: str | None
    files: list[FileFinding]
    state: str | None = None
    state_evidence: str = ""

    @property
    def recognized(self) -> list[FileFinding]:
        return [f for f in self.files if f.match]

    @property
    def unrecognized(self) -> list[FileFinding]:
        return [f for f in self.files if not f.match]


def recognize_folder(
    folder: Path,
    sis: str | None = None,
    declarations: dict[str, list[FileDeclaration]] | None = None,
) -> Recognition:
    cands = candidates(declarations)
    listed = list_folder(folder)
    files = [recognize_file(name, path, cands) for name, path in listed]
    # the platform's files (Users data) go with any SIS: they do not vote
    votes = Counter(f.sis for f in files if f.match and f.sis != PLATFORM)
    chosen = sis or (votes.most_common(1)[0][0] if votes else None)
    if chosen:
        for f in files:
            if f.match and f.sis not in (chosen, PLATFORM):
                f.problem = (
                    f"a {f.match.label} export, not {chosen} (the district's SIS"
                    f"{' as given' if sis else ', by most files'})"
                )
                f.todo = "leave it out of the folder, or check which SIS the district runs"
                f.match = None
            elif f.maybe_headerless:
                place_headerless(f, cands, chosen)
    variants = Counter(f.match.variant for f in files if f.match and f.match.variant)
    return Recognition(folder, chosen, variants.most_common(1)[0][0] if variants else None, files)


# ---------------------------------------------------------------- reading recognized files


def iter_rows(finding: FileFinding) -> Iterator[dict[str, str]]:
    """The file's records as raw column -> value (trimmed), by Python's csv (first files are
    small; the trial load reads them again with the real readers)."""
    decl = finding.match.decl
    delimiter = finding.delimiter or decl.delimiter
    names = list(decl.raw_columns)
    quoting = csv.QUOTE_NONE if not decl.quote else csv.QUOTE_MINIMAL
    with open(finding.path, encoding=finding.encoding, errors="replace", newline="") as fh:
        first = fh.read(1)
        if first != "\ufeff":
            fh.seek(0)
        reader = csv.reader(fh, delimiter=delimiter, quoting=quoting, quotechar=decl.quote or '"')
        if decl.header:
            next(reader, None)
        for row in reader:
            if not any(v.strip() for v in row):
                continue
            yield {n: v.strip() for n, v in zip(names, row, strict=False)}


def infer_state(rec: Recognition, given: str | None, why: str = "given (--state)") -> None:
    if given:
        rec.state, rec.state_evidence = given, why
        return
    if rec.sis in SIS_STATES:
        rec.state = SIS_STATES[rec.sis]
        rec.state_evidence = f"{rec.sis} is used in {rec.state} only"
        return
    shapes = Counter()
    for f in rec.recognized:
        if f.dataset != "students":
            continue
        columns = [c for c in f.match.decl.raw_columns if STATE_ID_COLUMNS.match(c)]
        for row in iter_rows(f):
            for c in columns:
                value = row.get(c, "")
                if value.isdigit():
                    shapes[len(value)] += 1
    tx, in_ = shapes.get(10, 0), shapes.get(9, 0)
    if tx or in_:
        rec.state = "TX" if tx >= in_ else "IN"
        rec.state_evidence = (
            f"student state IDs: {tx} of 10 digits (TX unique ID), {in_} of 9 digits (IN STN)"
        )
    elif any(f.dataset == "ibc" for f in rec.recognized):
        rec.state, rec.state_evidence = "TX", "an IBC file (TX only)"


def schools_seen(rec: Recognition) -> dict[str, Counter]:
    """school id -> rows per dataset (from each file's school column)."""
    seen: dict[str, Counter] = defaultdict(Counter)
    for f in rec.recognized:
        columns = [c for c in f.match.decl.raw_columns if c in SCHOOL_COLUMNS]
        if not columns:
            continue
        for row in iter_rows(f):
            value = row.get(columns[0], "")
            if value:
                if rec.state == "TX" and len(value) == 9 and value.isdigit():
                    value = value[-3:]  # a TX state campus id: district + local campus
                seen[value][f.dataset] += 1
    return dict(sorted(seen.items()))


def _grade_numbers(sis: str) -> dict[str, tuple[int, str]]:
    path = seeds_dir() / "xwalk_grade_levels.csv"
    found: dict[str, tuple[int, str]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["sis"] in (sis, "pathways") and row.get("grade_level_number") not in ("", None):
                key = row["source_code"]
                if row["sis"] == sis or key not in found:
                    found[key] = (int(float(row["grade_level_number"])), row["grade_level"])
    return found


def grade_span(rec: Recognition) -> dict[str, tuple[str, str]]:
    """school id -> (lowest, highest) grade level of its students, as crosswalked."""
    numbers = _grade_numbers(rec.sis or "")
    spans: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for f in rec.recognized:
        if f.dataset != "students":
            continue
        decl = f.match.decl
        school = next((c for c in decl.raw_columns if c in SCHOOL_COLUMNS), None)
        grade = next((c for c in decl.raw_columns if c in GRADE_COLUMNS), None)
        if not school or not grade:
            continue
        for row in iter_rows(f):
            school_id = row.get(school, "")
            if rec.state == "TX" and len(school_id) == 9 and school_id.isdigit():
                school_id = school_id[-3:]
            if row.get(grade) in numbers:
                spans[school_id].append(numbers[row[grade]])
    return {s: (min(v)[1], max(v)[1]) for s, v in spans.items() if v}


# ---------------------------------------------------------------- the proposal


def proposed_pattern(finding: FileFinding) -> dict | None:
    """A `files:` override when the file's name does not match the declared pattern."""
    decl = finding.match.decl
    if decl.matches(finding.name):
        return None
    name = finding.name
    folder_glob = decl.pattern.rsplit("/", 1)[0] if "/" in decl.pattern else None
    if "/" in name and folder_glob:
        folder, base = name.rsplit("/", 1)
        if PurePosixPath(folder).match(folder_glob):
            name = f"{folder_glob}/{base}"
    name_date = None
    date = decl.file_date(finding.name)
    if date is not None:
        text = date.strftime(decl.name_date)
        name = name.replace(text, "*", 1)
        name_date = decl.name_date
    return {"pattern": name, "name_date": name_date}


def proposal(
    rec: Recognition, district_id: str, folder: Path, existing: dict | None = None
) -> tuple[dict, list[str]]:
    """The registry entry (as a dict) and the notes that go with it."""
    notes: list[str] = []
    files: dict[str, dict] = {}
    for f in rec.recognized:
        override = proposed_pattern(f) or {}
        if f.delimiter and f.delimiter != f.match.decl.delimiter:
            override["delimiter"] = f.delimiter
        if f.encoding and not _encoding_declared(f.match.decl, f.encoding):
            override["encoding"] = f.encoding
        if not override:
            continue
        before = files.get(f.dataset)
        if before and before != override:
            notes.append(
                f"{f.dataset}: files named differently ({before['pattern']!r}, "
                f"{override.get('pattern')!r}): the first is proposed; ask the district for "
                "one name"
            )
            continue
        files[f.dataset] = override
    seen = schools_seen(rec)
    spans = grade_span(rec)
    state_district_id = (existing or {}).get("state_district_id") or (
        "000000" if rec.state == "TX" else "0000"
    )
    if not existing:
        notes.append(
            f"state_district_id {state_district_id!r}, school names and state school ids are "
            "placeholders: fill them in from the district's records"
        )
    schools = []
    for school_id, counts in seen.items():
        low, high = spans.get(school_id, ("KG", "12"))
        state_school_id = (
            f"{state_district_id}{school_id[-3:].zfill(3)}"
            if rec.state == "TX"
            else school_id[-4:].zfill(4)
        )
        schools.append(
            {
                "school_id": school_id,
                "state_school_id": state_school_id,
                "name": f"School {school_id}",
                "grade_low": low,
                "grade_high": high,
                "_rows": dict(counts),
            }
        )
    entry = {
        "id": district_id,
        "name": (existing or {}).get("name") or f"{district_id} (name to fill in)",
        "state": rec.state or "TX",
        "state_district_id": state_district_id,
        "sis": rec.sis,
    }
    if rec.variant:
        entry["export_variant"] = rec.variant
    entry.update(
        status="onboarding",
        timezone=(existing or {}).get("timezone")
        or ("America/Indiana/Indianapolis" if rec.state == "IN" else "America/Chicago"),
        transfer={"method": "local", "folder": str(folder.resolve())},
    )
    if files:
        entry["files"] = files
    entry["schools"] = schools
    return entry, notes


def proposal_yaml(entry: dict) -> str:
    """Ready to paste under `districts:` (school row counts as comments)."""
    plain = {k: v for k, v in entry.items() if k != "schools"}
    text = yaml.safe_dump([plain], sort_keys=False, allow_unicode=True, width=100)
    lines = text.rstrip("\n").split("\n")
    lines.append("  schools:")
    for s in entry["schools"]:
        row = {k: v for k, v in s.items() if not k.startswith("_")}
        flow = ", ".join(f"{k}: {_scalar(v)}" for k, v in row.items())
        counts = ", ".join(f"{d}={n}" for d, n in sorted(s.get("_rows", {}).items()))
        lines.append(f"    - {{{flow}}}  # rows seen: {counts}")
    return "\n".join("  " + ln for ln in lines) + "\n"


def _scalar(value) -> str:
    return yaml.safe_dump(str(value), default_style='"').strip()


# ---------------------------------------------------------------- crosswalk rows


def crosswalk_row(seed: str, sis: str, district_id: str, source_code: str) -> str:
    """A paste-ready crosswalk row for the district (ingest.crosswalks.crosswalk_row against
    the seeds the trial builds): mapped columns left empty to fill in."""
    return _crosswalk_row(seed, sis, district_id, source_code, seeds_dir=seeds_dir())


def seed_header(seed: str) -> list[str]:
    return seed_columns(seed, seeds_dir())


def seed_codes(seed: str, sis: str, district_id: str) -> set[str]:
    with open(seeds_dir() / f"{seed}.csv", encoding="utf-8", newline="") as fh:
        return {
            r["source_code"]
            for r in csv.DictReader(fh)
            if r["sis"] == sis and r.get("district_id", "") in ("", None, district_id)
        }


# What a maps_to rule says (macros/rules/rule_builders.sql): `<label> <code> is not <expected>`.
# The expected words tell the crosswalk, with the entity of the row's dataset.
ENTITY_OF_DATASET = {"teachers": "staff", "requests": "course_requests", "ibc": "certifications"}
EXPECTED_SEED = (
    (re.compile(r"grade level", re.I), None, "xwalk_grade_levels"),
    (re.compile(r"term|grading period|storecode|semester|marking", re.I), None, "xwalk_terms"),
    (re.compile(r"\bmark\b", re.I), None, "xwalk_grade_marks"),
    (re.compile(r"role|staffstatus", re.I), None, "xwalk_staff_roles"),
    (re.compile(r"scale", re.I), None, "xwalk_gpa_scales"),
    (
        re.compile(r"type|method|p or a|primary or alternate|true or false", re.I),
        "course_requests",
        "xwalk_request_types",
    ),
    (re.compile(r"type|method", re.I), "gpa", "xwalk_gpa_types"),
    (re.compile(r"status|a or i|true or false", re.I), "students", "xwalk_enrollment_statuses"),
    (re.compile(r"status", re.I), "course_requests", "xwalk_request_statuses"),
)
MAPS_TO = re.compile(r"^(?P<label>.+) (?P<code>\S+) is not (?P<expected>.+)$")


def unmapped_code(dataset: str, part: str) -> tuple[str, str, str] | None:
    """(seed, label, code) when the reason part is a crosswalk miss."""
    m = MAPS_TO.match(part.strip())
    if not m:
        return None
    entity = ENTITY_OF_DATASET.get(dataset, dataset)
    for pattern, only, seed in EXPECTED_SEED:
        if (only is None or only == entity) and pattern.search(m["expected"]):
            return seed, m["label"], m["code"]
    return None


def rule_of(dataset: str, part: str) -> str:
    """A reason part without its value: the rule it broke."""
    miss = unmapped_code(dataset, part)
    if miss:
        m = MAPS_TO.match(part.strip())
        return f"{m['label']} is not {m['expected']}"
    return re.sub(r"\d+", "N", part.strip())


def how_to_fix(rule: str) -> str:
    """The district's side of a row rule."""
    text = rule.lower()
    if " is not a known" in text or " is not " in text and (" or " in text):
        return (
            "a code the crosswalks do not know: if it is the district's own code, add its "
            "crosswalk row (below); if it is a typo, fix it in the SIS"
        )
    if "is missing" in text:
        return "fill in the field in the SIS, or add the column to the export"
    if "unknown student" in text or "not an accepted student" in text or "no accepted" in text:
        return "the student is not in the students file (or was rejected there): fix that first"
    if "more than one" in text or "duplicate" in text or "unique" in text:
        return "the export lists the same key twice: check the report's filters/joins in the SIS"
    if "exceeds" in text or "outside" in text or "negative" in text:
        return "a value outside its range: correct it in the SIS"
    if "format" in text or "digits" in text or "is not a" in text:
        return "a value in the wrong format: correct it in the SIS or the export's field format"
    return "correct the rows in the SIS and re-export"


def test_resolution(test_name: str) -> str | None:
    """The `How to resolve?` text of a singular dbt test (tests/dbt/**/<name>.sql)."""
    for path in (REPO_ROOT / "tests" / "dbt").rglob(f"{test_name}.sql"):
        lines, taking = [], False
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("--"):
                break
            body = line[2:].strip()
            if body.lower().startswith("how to resolve"):
                taking = True
                continue
            if taking:
                lines.append(body)
        return " ".join(lines) or None
    return None


# ---------------------------------------------------------------- the trial


def trial_dir(district_id: str) -> Path:
    return work_dir() / "onboarding" / district_id


@contextmanager
def _trial_environment(trial: Path) -> Iterator[None]:
    """The trial's own work folder (so its own run lock, dlt folders and scratch)."""
    saved = {k: os.environ.get(k) for k in ("PATHWAYS_WORK_DIR", "PATHWAYS_DUCKDB_PATH")}
    os.environ["PATHWAYS_WORK_DIR"] = str(trial / "work")
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def trial_registry_entry(entry: dict) -> dict:
    """The registry entry the trial loads: the proposal (or the district's own entry) as is —
    its `files:` overrides (pattern, name_date, encoding, delimiter) read the files where
    they are, under the district's own names — with the schools' row counts left out and no
    waiting for files to settle (first files are complete)."""
    trial_entry = {k: v for k, v in entry.items() if k != "schools"}
    trial_entry["schools"] = [
        {k: v for k, v in s.items() if not k.startswith("_")} for s in entry["schools"]
    ]
    trial_entry["guards"] = {**(entry.get("guards") or {}), "stable_seconds": 0}
    return trial_entry


def run_trial(entry: dict, trial: Path):
    """The night's own steps for the district alone, into trial/pathways.duckdb: ingest and
    dbt build (no freshness, no docs), under the trial work folder's run lock only."""
    from ingest.registry import load_registry

    trial.mkdir(parents=True, exist_ok=True)
    registry_path = trial / "trial_districts.yml"
    registry_path.write_text(
        yaml.safe_dump(
            {"districts": [trial_registry_entry(entry)]}, sort_keys=False, allow_unicode=True
        ),
        encoding="utf-8",
    )
    districts = load_registry(registry_path)
    db = trial / "pathways.duckdb"
    with _trial_environment(trial):
        report = _night(districts, db)
    return report, db, districts


def trial_validation(db: Path, districts, trial: Path):
    """`pathways validate` on the trial warehouse: the district's approval verdict and its
    HTML report next to the warehouse (trial/<district>.html)."""
    from ingest.validation_report import collect, write_reports

    validations = collect(db, districts)
    written = write_reports(validations, trial)
    return validations[0], written[validations[0].district_id]


def _night(districts, db: Path):
    from ingest.night import NightReport, _dbt_or_none, _dbt_row, collect_counts, ingest_districts
    from ingest.runs import exclusive_run, write_run_log

    report = NightReport()
    with exclusive_run("onboard", db_path=db) as run:
        # every trial starts from nothing: a re-run after the district's fixes sees them all
        for path in (db, db.with_name(db.name + ".wal")):
            path.unlink(missing_ok=True)
        ingest_districts(districts, db, report, districts, run)
        report.build = _dbt_or_none("build", db_path=db)
        write_run_log([_dbt_row(run, report.build)], db)
        if report.build:
            collect_counts(report, db, [d.id for d in districts])
    return report


# ---------------------------------------------------------------- findings from the trial


@dataclass
class TrialFindings:
    unmapped: dict[str, Counter]  # seed -> code -> rows
    rules: dict[tuple[str, str], list[tuple[str, int]]]  # (dataset, rule) -> (file, row)
    failed_tests: list[tuple[str, str, str]]  # (status, name, message)
    files: list[str]


def crosswalk_checks(sis: str) -> list[tuple[str, str, str, str | None]]:
    """(staging relation, code column, seed, literal sis) of every `codes_map_to_crosswalk`
    test on the SIS's staging models, from the manifest the trial build wrote."""
    import json

    manifest_path = dbt_project_dir() / "target" / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    nodes = manifest.get("nodes", {})
    found = []
    for node in nodes.values():
        meta = node.get("test_metadata") or {}
        if node.get("resource_type") != "test" or meta.get("name") != "codes_map_to_crosswalk":
            continue
        model = nodes.get(node.get("attached_node") or "", {})
        seed = re.search(r"ref\(['\"](\w+)['\"]\)", str(meta.get("kwargs", {}).get("crosswalk")))
        if not model.get("name", "").startswith(f"stg_{sis}__") or not seed:
            continue
        kwargs = meta.get("kwargs", {})
        found.append(
            (model["relation_name"], node["column_name"], seed.group(1), kwargs.get("sis"))
        )
    return found


def unmapped_from_tests(con, district_id: str, sis: str) -> dict[str, Counter]:
    """Codes of the district's staged rows with no crosswalk row for the SIS (or for the
    district, once seeds carry district_id): what the crosswalk tests count."""
    found: dict[str, Counter] = defaultdict(Counter)
    try:
        checks = crosswalk_checks(sis)
    except (OSError, ValueError):
        return found
    for relation, column, seed, literal_sis in checks:
        known = seed_codes(seed, literal_sis or sis, district_id)
        rows = con.execute(
            f"select {column}, count(*) from {relation} where district_id = ? "
            f"and {column} is not null group by 1",
            [district_id],
        ).fetchall()
        for code, n in rows:
            if str(code) not in known:
                found[seed][str(code)] = max(found[seed][str(code)], n)
    return found


def trial_findings(report, db: Path, district_id: str, sis: str) -> TrialFindings:
    import duckdb

    unmapped: dict[str, Counter] = defaultdict(Counter)
    rules: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    with duckdb.connect(str(db), read_only=True) as con:
        from_tests = unmapped_from_tests(con, district_id, sis)
        rows = con.execute(
            "select dataset, source_file, row_number, reason from validation.rejected_rows "
            "where district_id = ? order by dataset, source_file, row_number",
            [district_id],
        ).fetchall()
    for dataset, source_file, row_number, reason in rows:
        for part in (reason or "").split("; "):
            if not part:
                continue
            miss = unmapped_code(dataset, part)
            if miss:
                seed, _, code = miss
                if code not in seed_codes(seed, sis, district_id):
                    unmapped[seed][code] += 1
            rules[(dataset, rule_of(dataset, part))].append((source_file, row_number))
    for seed, codes in from_tests.items():  # the tests see every staged row
        for code, n in codes.items():
            unmapped[seed][code] = max(unmapped[seed][code], n)
    failed = []
    if report.build:
        failed = [
            (r.status, r.name, r.message.strip())
            for r in report.build.results
            if r.status in ("warn", "fail", "error", "runtime error")
        ]
    files = [f.summary() for n in report.nights for f in n.files]
    return TrialFindings(dict(unmapped), dict(rules), failed, files)


def required_missing(rec: Recognition, declarations=None) -> list[FileDeclaration]:
    declarations = declarations if declarations is not None else load_declarations()
    have = {f.dataset for f in rec.recognized}
    return [
        d
        for d in declarations.get(rec.sis, [])
        if d.required and d.applies_to_state(rec.state or "") and d.dataset not in have
    ]


# ---------------------------------------------------------------- the command


def _existing_entry(registry: Path, district_id: str) -> dict | None:
    doc = yaml.safe_load(Path(registry).read_text(encoding="utf-8")) or {}
    for entry in doc.get("districts", []):
        if str(entry.get("id")) == district_id:
            return entry
    return None


def onboard(
    district_id: str,
    folder: Path,
    *,
    sis: str | None = None,
    state: str | None = None,
    registry: Path | None = None,
    build: bool = True,
    out=print,
) -> int:
    """The whole onboarding look: recognize, propose, trial, findings. The exit code: 0
    when the folder was read, 2 when nothing was recognized, 3 when the build could not run."""
    import time

    from ingest.paths import DEFAULT_REGISTRY

    started = time.monotonic()
    if sis == "powerschool":
        out(
            "PowerSchool districts send no files: Pathways pulls their data through the "
            "PowerSchool API with the Pathways plugin. Write the plugin for the district to "
            "install (System > System Settings > Plugin Management Configuration):\n"
            "  pathways powerschool-plugin --out pathways-plugin.zip\n"
            "then register the district with transfer method powerschool_api (base_url, "
            "client_id; the client secret from the environment), see README."
        )
        return 0
    folder = Path(folder)
    if not folder.is_dir():
        out(f"{folder}: not a folder")
        return 2
    rec = recognize_folder(folder, sis)
    existing = _existing_entry(registry or DEFAULT_REGISTRY, district_id)
    if state or not existing:
        infer_state(rec, state)
    else:
        infer_state(rec, existing.get("state"), "the district's registry entry")
    out(f"== onboarding {district_id} from {folder} ==")
    out(
        f"SIS: {rec.sis or 'NOT RECOGNIZED'}"
        + (f", export variant {rec.variant}" if rec.variant else "")
    )
    out(
        f"state: {rec.state or 'unknown (pass --state)'}"
        + (f" ({rec.state_evidence})" if rec.state_evidence else "")
    )
    out("\nfiles:")
    for f in rec.files:
        if f.match:
            dialect = f"{f.encoding}, {f.delimiter!r}" if f.delimiter else f"{f.encoding}"
            out(f"  {f.name:<40} {f.match.label:<36} by {f.how} ({dialect})")
            for note in f.notes:
                out(f"      note: {note}")
        else:
            out(f"  {f.name:<40} NOT RECOGNIZED: {f.problem}")
            out(f"      to do: {f.todo}")
    if not rec.recognized:
        out("\nnothing in the folder was recognized as a SIS export: no proposal, no trial")
        return 2
    missing = required_missing(rec)
    if missing:
        out("\nfiles missing (required, none in the folder):")
        for d in missing:
            out(f"  {d.dataset:<20} ask the district's IT to add the {d.sis} {d.dataset} export")
    entry, notes = proposal(rec, district_id, folder, existing)
    trial = trial_dir(district_id)
    trial.mkdir(parents=True, exist_ok=True)
    text = proposal_yaml(entry)
    (trial / "proposal.yml").write_text(text, encoding="utf-8")
    out(
        "\nproposed registry entry (paste under `districts:` in districts.yml; "
        f"also in {trial / 'proposal.yml'}):"
    )
    out(text.rstrip("\n"))
    for note in notes:
        out(f"  note: {note}")
    if not build:
        return 0
    trial_entry = entry
    if existing:
        trial_entry = {**existing, "transfer": entry["transfer"], "status": "onboarding"}
        if "files" in entry:
            trial_entry["files"] = entry["files"]
        out(f"\n{district_id} is already in the registry: the trial uses its entry")
    try:
        report, db, districts = run_trial(trial_entry, trial)
    except Exception as err:  # the trial is a look, not the night: say why and stop
        out(f"\nTRIAL COULD NOT RUN: {type(err).__name__}: {err}")
        return 3
    took = time.monotonic() - started
    out(f"\ntrial: {district_id} alone into {db}")
    findings = trial_findings(report, db, district_id, rec.sis)
    for line in findings.files:
        out(f"  {line}")
    if district_id in report.district_errors:
        out(f"  FAILED: {report.district_errors[district_id]}")
    if report.build is None:
        out("dbt build could not run")
        return 3
    rows = report.mart_rows.get(district_id, {})
    out("marts: " + ", ".join(f"{m}={n:,}" for m, n in rows.items()))
    rows_out = []
    out("\ncodes not in the crosswalks (rows holding each):")
    if not findings.unmapped:
        out("  none")
    for seed, codes in sorted(findings.unmapped.items()):
        out(f"  {seed}:")
        rows_out.append(f"# seeds/{seed}.csv ({','.join(seed_header(seed))})")
        for code, n in codes.most_common():
            row = crosswalk_row(seed, rec.sis, district_id, code)
            out(f"    {code:<12} {n:>7,} rows   paste: {row}")
            rows_out.append(row)
    if rows_out:
        (trial / "crosswalk_rows.csv").write_text("\n".join(rows_out) + "\n", encoding="utf-8")
        out(f"  (fill in the mapped columns; also in {trial / 'crosswalk_rows.csv'})")
    out("\nwhat the district's IT must fix:")
    fixes = 0
    for (dataset, rule), where in sorted(findings.rules.items(), key=lambda kv: -len(kv[1])):
        fixes += 1
        sample = ", ".join(f"{file} row {row}" for file, row in where[:3])
        out(f"  {dataset}: {rule}: {len(where):,} rows (e.g. {sample})")
        out(f"      how to fix: {how_to_fix(rule)}")
    for f in rec.unrecognized:
        fixes += 1
        out(f"  {f.name}: {f.problem}\n      how to fix: {f.todo}")
    for d in missing:
        fixes += 1
        out(f"  {d.dataset}: no file recognized; how to fix: add the {d.sis} {d.dataset} export")
    for status, name, message in findings.failed_tests:
        fixes += 1
        out(f"  {status.upper()} {name}: {message[:160]}")
        resolution = test_resolution(name)
        if resolution:
            out(f"      how to fix: {resolution}")
    if not fixes:
        out("  nothing")
    try:
        validation, page = trial_validation(db, districts, trial)
    except Exception as err:  # noqa: BLE001 - the verdict is a look too
        out(f"\napproval verdict could not be read: {type(err).__name__}: {err}")
    else:
        from ingest.validation_report import render_terminal

        out('\napproval verdict of the trial (`pathways validate`, README "Approving a district"):')
        out(render_terminal(validation, page))
    out(f"\nonboard took {took:.0f} s")
    return 0
