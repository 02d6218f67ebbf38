"""The fault suite: one registry, one district per bad input, one `pathways nightly`.

Night 1 loads every district from good files. Night 2, each `fault_*` district sends one bad
file (or none at all) and `ok_district` a good one. The night must complete for every other
district, build, report each failure with its reason, exit 1, keep the faulty districts'
marts as they were, write a run log, and never let a field value out of the warehouse.

| district | fault injected on night 2 | expected |
|---|---|---|
| fault_mixed_eol | students mixes CRLF and LF line ends (parser gives up) | rejected, named |
| fault_utf16_nobom | students in UTF-16 without a byte-order mark | rejected |
| fault_long_line | course crosswalk: one 50 MB line, no newline | rejected |
| fault_cut | students cut at a line end (60% of the rows) | held; release |
| fault_growing | students still being written during the run | unstable |
| fault_late | only an older students file arrives (an earlier date) | stale |
| fault_temp | only `students_x.tmp.csv` (a writer's temporary file) | missing, not read |
| fault_unparseable | a third of the grades lines have an extra field | rejected whole |
| fault_symlink | students is a symlink to another district's file | rejected (refused) |
| fault_headerless | students without its header (first line = a student) | rejected, no value |
| fault_crash | our own code raises while reading students | rejected, no value |
| fault_no_folder | the district's folder does not exist | district failed |
| fault_dirty_rows | NUL byte, stray BOM, unknown school in three rows | rows rejected |
"""

from __future__ import annotations

import io
import os
import threading
import time
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from ingest import pipeline
from ingest.cli import main
from ingest.paths import DBT_PROJECT_DIR
from ingest.registry import load_registry
from ingest.simulation.generators import generate_district, write_settled_night

NIGHT1, NIGHT2, EARLIER = date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 20)
STUDENTS = 30
SENTINEL = "Zqxsentinelv"  # a surname no generator writes: must never leave the warehouse
FAULTS = (
    "fault_mixed_eol",
    "fault_utf16_nobom",
    "fault_long_line",
    "fault_cut",
    "fault_growing",
    "fault_late",
    "fault_temp",
    "fault_unparseable",
    "fault_symlink",
    "fault_headerless",
    "fault_crash",
    "fault_no_folder",
    "fault_dirty_rows",
)
MARTS = ("dim_student", "fct_student_grade", "fct_student_gpa", "dim_course")

pytestmark = pytest.mark.integration


def _registry(tmp: Path) -> Path:
    template = next(
        d
        for d in yaml.safe_load(Path("districts.yml").read_text())["districts"]
        if d["id"] == "bluebonnet_isd"
    )
    entries = []
    for district_id in ("ok_district", *FAULTS):
        entry = {k: v for k, v in template.items() if k != "demo"}
        entry.update(
            id=district_id,
            name=f"{district_id} (synthetic)",
            transfer={"method": "local", "folder": str(tmp / "drop" / district_id)},
            demo={"seed": 11, "students": STUDENTS, "encoding": "utf-8"},
        )
        if district_id == "fault_growing":
            entry["guards"] = {"stable_seconds": 1.5}
        entries.append(entry)
    path = tmp / "districts.yml"
    path.write_text(yaml.safe_dump({"districts": entries}, sort_keys=False))
    return path


def _write(district, folder: Path, night: date, students: int = STUDENTS):
    return write_settled_night(district, folder, night=night, students=students)


def _file(folder: Path, dataset: str) -> Path:
    (path,) = folder.glob(f"{dataset}_*.csv")
    return path


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def _plant_sentinel(students: Path) -> None:
    """The first student's surname becomes the sentinel."""
    lines = _lines(students)
    fields = lines[1].split(b",")
    fields[2] = SENTINEL.encode()
    lines[1] = b",".join(fields)
    students.write_bytes(b"".join(lines))


def _break(district_id: str, folder: Path, drop: Path, district) -> None:
    students = _file(folder, "students")
    lines = _lines(students)
    if district_id == "fault_mixed_eol":
        students.write_bytes(
            b"".join(
                line.replace(b"\r\n", b"\n") if i % 2 else line for i, line in enumerate(lines)
            )
        )
    elif district_id == "fault_utf16_nobom":
        text = students.read_bytes().decode("utf-8-sig")
        students.write_bytes(text.encode("utf-16-le"))
    elif district_id == "fault_long_line":
        _file(folder, "course_crosswalk").write_bytes(b"A" * (50 * 1024 * 1024))
    elif district_id == "fault_cut":
        keep = 1 + int(0.6 * (len(lines) - 1))
        students.write_bytes(b"".join(lines[:keep]))
    elif district_id == "fault_late":
        students.unlink()
        earlier = folder.parent / "earlier"
        generated = generate_district(district, earlier, night=EARLIER, students=STUDENTS + 5)
        old = _file(earlier, "students")
        late = folder / old.name
        late.write_bytes(old.read_bytes())
        stamp = time.time() - 7 * 86400  # written a week ago, arriving only tonight
        os.utime(late, (stamp, stamp))
        assert generated.rows["students"] == STUDENTS + 5
    elif district_id == "fault_temp":
        students.rename(folder / "students_x.tmp.csv")
    elif district_id == "fault_unparseable":
        grades = _file(folder, "grades")
        rows = _lines(grades)
        grades.write_bytes(
            b"".join(
                row.replace(b"\r\n", b",extra\r\n") if i and i % 3 == 0 else row
                for i, row in enumerate(rows)
            )
        )
    elif district_id == "fault_symlink":
        other = _file(drop / "ok_district", "students")
        students.unlink()
        students.symlink_to(other)
    elif district_id == "fault_headerless":
        _plant_sentinel(students)
        students.write_bytes(b"".join(_lines(students)[1:]))
    elif district_id == "fault_no_folder":
        for path in folder.glob("*"):
            path.unlink()
        folder.rmdir()
    elif district_id == "fault_dirty_rows":
        fields = [line.split(b",") for line in lines]
        fields[1][3] = fields[1][3] + b"\x00"  # NUL inside First Name
        fields[2][2] = b"\xef\xbb\xbf" + fields[2][2]  # a BOM inside Last Name
        fields[3][7] = b"999"  # Entity ID of no school in the registry
        students.write_bytes(b"".join(b",".join(f) for f in fields))


def _counts(db: Path) -> dict[str, dict[str, int]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            mart: dict(
                con.execute(
                    f"select district_id, count(*) from marts.{mart} group by all"
                ).fetchall()
            )
            for mart in MARTS
        }


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    work = tmp / "work"
    db = work / "pathways.duckdb"
    registry = _registry(tmp)
    districts = {d.id: d for d in load_registry(registry)}
    drop = tmp / "drop"
    out: dict = {"db": db, "tmp": tmp, "work": work, "registry": registry, "drop": drop}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATHWAYS_WORK_DIR", str(work))
        mp.setenv("PATHWAYS_DUCKDB_PATH", str(db))
        previous_umask = os.umask(0o022)  # a permissive umask: the run must not follow it
        try:
            for district_id, district in districts.items():
                _write(district, drop / district_id, NIGHT1)
            assert main(["--registry", str(registry), "nightly"]) == 0
            out["night1"] = _counts(db)

            for district_id, district in districts.items():
                _write(district, drop / district_id, NIGHT2, students=STUDENTS + 1)
            _plant_sentinel(_file(drop / "ok_district", "students"))
            for district_id in FAULTS:
                _break(district_id, drop / district_id, drop, districts[district_id])

            # a step every file takes after its copy (line counts come with the copy now)
            real_read_first_line = pipeline.read_first_line

            def crashing_read_first_line(path):
                if path.parent.name.startswith("fault_crash-"):
                    raise RuntimeError(f"unexpected value {SENTINEL!r} on line 2")
                return real_read_first_line(path)

            mp.setattr(pipeline, "read_first_line", crashing_read_first_line)
            growing = drop / "fault_growing" / _file(drop / "fault_growing", "students").name
            stop = threading.Event()

            def keep_writing():
                last = _lines(growing)[-1]
                while not stop.wait(0.2):
                    with open(growing, "ab") as fh:  # an export still appending rows
                        fh.write(last)

            writer = threading.Thread(target=keep_writing, daemon=True)
            writer.start()
            stdout, stderr = io.StringIO(), io.StringIO()
            try:
                with redirect_stdout(stdout), redirect_stderr(stderr):
                    out["exit"] = main(["--registry", str(registry), "nightly"])
            finally:
                stop.set()
                writer.join()
            out["stdout"], out["stderr"] = stdout.getvalue(), stderr.getvalue()
            out["night2"] = _counts(db)
            with duckdb.connect(str(db), read_only=True) as con:
                out["manifest"] = {
                    (d, ds): (s, r)
                    for d, ds, s, r in con.execute(
                        "select district_id, dataset, status, reason "
                        "from pathways_meta.file_manifest where run_id = ("
                        "  select max(run_id) from pathways_meta.run_log where step = 'ingest')"
                    ).fetchall()
                }
                out["run_log"] = con.execute(
                    "select step, district_id, status, message from pathways_meta.run_log "
                    "where run_id = (select max(run_id) from pathways_meta.run_log)"
                ).fetchall()
                out["ingest_times"] = con.execute(
                    "select district_id, started_at, ended_at from pathways_meta.run_log "
                    "where step = 'ingest' "
                    "and run_id = (select max(run_id) from pathways_meta.run_log)"
                ).fetchall()
        finally:
            os.umask(previous_umask)
        yield out


def _status(night, district_id, dataset="students"):
    return night["manifest"][(district_id, dataset)]


def test_the_night_completes_for_the_others_builds_and_exits_1(night):
    assert night["exit"] == 1
    assert night["night2"]["dim_student"]["ok_district"] == STUDENTS + 1  # tonight's data
    assert "dbt build:" in night["stdout"]
    failures = night["stderr"].split("NIGHT FAILED")[-1]
    for district_id in set(FAULTS) - {"fault_dirty_rows"}:
        assert district_id in failures, f"{district_id} not named among the failures"
    assert "fault_dirty_rows" not in failures  # rejected rows are reported, not a failed night


@pytest.mark.parametrize(
    ("district_id", "dataset", "status", "reason"),
    [
        ("fault_mixed_eol", "students", "rejected", "mixes CRLF and LF"),
        ("fault_utf16_nobom", "students", "rejected", "UTF-16 text without a byte-order mark"),
        ("fault_long_line", "course_crosswalk", "rejected", "line 1 is 8,388,608 bytes or longer"),
        ("fault_cut", "students", "held", "pathways release --district fault_cut"),
        ("fault_growing", "students", "unstable", "still being written"),
        ("fault_late", "students", "stale", "older than students_20261127.csv"),
        ("fault_temp", "students", "missing", "students_x.tmp.csv"),
        ("fault_unparseable", "grades", "rejected", "rejected whole"),
        ("fault_symlink", "students", "rejected", "symbolic link"),
        ("fault_headerless", "students", "rejected", "is the header missing"),
        ("fault_crash", "students", "rejected", "RuntimeError"),
    ],
)
def test_each_bad_file_is_recorded_with_an_actionable_reason(
    night, district_id, dataset, status, reason
):
    got_status, got_reason = _status(night, district_id, dataset)
    assert got_status == status
    assert reason in got_reason
    assert SENTINEL not in got_reason


# the mart each bad file feeds: it must hold yesterday's rows
FED_BY_BAD_FILE = {
    **dict.fromkeys(
        [
            "fault_mixed_eol",
            "fault_utf16_nobom",
            "fault_cut",
            "fault_growing",
            "fault_late",
            "fault_temp",
            "fault_symlink",
            "fault_headerless",
            "fault_crash",
        ],
        ("dim_student",),
    ),
    "fault_long_line": ("dim_course",),
    "fault_unparseable": ("fct_student_grade",),
    "fault_no_folder": MARTS,
}


@pytest.mark.parametrize("district_id", sorted(FED_BY_BAD_FILE))
def test_a_bad_night_never_changes_the_marts(night, district_id):
    for mart in FED_BY_BAD_FILE[district_id]:
        before = night["night1"][mart].get(district_id)
        assert before and night["night2"][mart].get(district_id) == before, mart


def test_the_other_files_of_a_faulty_district_still_load(night):
    with duckdb.connect(str(night["db"]), read_only=True) as con:
        in_use = dict(
            con.execute(
                "select dataset, file_name from staging.stg_pathways__latest_good_files "
                "where district_id = 'fault_cut'"
            ).fetchall()
        )
    assert _status(night, "fault_cut", "grades")[0] == "loaded"
    assert in_use["grades"] == "grades_20261128.csv"
    assert in_use["students"] == "students_20261127.csv"  # yesterday's, until released


def test_dirty_rows_are_rejected_by_row_rules(night):
    with duckdb.connect(str(night["db"]), read_only=True) as con:
        reasons = [
            r
            for (r,) in con.execute(
                "select reason from validation.rejected_rows "
                "where district_id = 'fault_dirty_rows' and dataset = 'students'"
            ).fetchall()
        ]
    assert len(reasons) == 3
    assert sum("NUL byte or a byte-order mark" in r for r in reasons) == 2
    unknown = "Entity ID 999 is not one of the district's schools in the registry"
    assert sum(unknown in r for r in reasons) == 1
    assert night["night2"]["dim_student"]["fault_dirty_rows"] == STUDENTS + 1 - 3


def test_the_run_log_says_which_districts_did_not_load_and_why(night):
    by_district = {d: (s, m) for step, d, s, m in night["run_log"] if step == "ingest"}
    assert by_district["ok_district"][0] == "ok"
    assert by_district["fault_dirty_rows"][0] == "ok"
    assert by_district["fault_no_folder"][0] == "failed"
    assert "does not exist" in by_district["fault_no_folder"][1]
    for district_id in set(FAULTS) - {"fault_no_folder", "fault_dirty_rows"}:
        assert by_district[district_id][0] == "incomplete", district_id
    assert [s for step, _, s, _ in night["run_log"] if step == "dbt"] == ["ok"]


def test_districts_are_ingested_side_by_side_each_with_its_own_times(night):
    """PATHWAYS_INGEST_WORKERS (default 3): a district starts before another has ended, and
    each run-log row holds that district's own start and end, failed districts included."""
    times = night["ingest_times"]
    districts = {d.id for d in load_registry(night["registry"]) if d.status != "paused"}
    assert {d for d, _, _ in times} == districts
    assert all(started <= ended for _, started, ended in times)
    overlapping = [
        (a, b)
        for a, a_start, a_end in times
        for b, b_start, b_end in times
        if a < b and a_start < b_end and b_start < a_end
    ]
    assert overlapping, times


def test_parse_rejects_one_row_per_line_with_the_column(night):
    with duckdb.connect(str(night["db"]), read_only=True) as con:
        lines = con.execute(
            "select line_number, count(*), min(column_name) from pathways_meta.parse_rejects "
            "where district_id = 'fault_unparseable' group by 1"
        ).fetchall()
    assert lines and all(n == 1 for _, n, _ in lines)
    assert all(column for _, _, column in lines)


def test_files_the_run_wrote_are_owner_only_under_a_permissive_umask(night):
    written = [p for p in night["work"].rglob("*")]
    assert any(p.name == "pathways.duckdb" for p in written)
    loose = [str(p) for p in written if not p.is_symlink() and p.stat().st_mode & 0o077]
    assert loose == []


def test_no_student_value_leaves_the_warehouse(night):
    """The sentinel student was loaded (ok_district) and sat on the first line of a file
    that failed its header check and in a crash message: it may be in the warehouse only."""
    with duckdb.connect(str(night["db"]), read_only=True) as con:
        assert (
            con.execute(
                "select count(*) from marts.dim_student where last_name = ?", [SENTINEL]
            ).fetchone()[0]
            == 1
        )
    assert SENTINEL not in night["stdout"] + night["stderr"]
    leaks = []
    for root in (night["work"], DBT_PROJECT_DIR / "target", DBT_PROJECT_DIR / "logs"):
        for path in root.rglob("*"):
            if path.is_file() and not path.name.startswith("pathways.duckdb"):
                if SENTINEL.encode() in path.read_bytes():
                    leaks.append(str(path))
    assert leaks == []


def test_a_held_file_is_released_by_a_person_and_recorded(night):
    name = next(p.name for p in (night["drop"] / "fault_cut").glob("students_*.csv"))
    env = {"PATHWAYS_WORK_DIR": str(night["work"]), "PATHWAYS_DUCKDB_PATH": str(night["db"])}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        assert main(["release", "--district", "fault_cut", "--file", "nope.csv"]) == 2
        assert main(["release", "--district", "fault_cut", "--file", name, "--note", "t"]) == 0
    with duckdb.connect(str(night["db"]), read_only=True) as con:
        status = con.execute(
            "select status from pathways_meta.file_manifest "
            "where district_id = 'fault_cut' and file_name = ?",
            [name],
        ).fetchone()[0]
        released = con.execute("select file_name, note from pathways_meta.file_releases").fetchall()
        in_use = con.execute(
            "select file_name from staging.stg_pathways__latest_good_files "
            "where district_id = 'fault_cut' and dataset = 'students'"
        ).fetchone()[0]
    assert (status, released, in_use) == ("loaded", [(name, "t")], name)


def test_purge_removes_a_district_everywhere(night):
    db = night["db"]
    assert SENTINEL.encode() in db.read_bytes()  # the check below means something
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATHWAYS_WORK_DIR", str(night["work"]))
        mp.setenv("PATHWAYS_DUCKDB_PATH", str(db))
        assert (
            main(["--registry", str(night["registry"]), "purge", "--district", "ok_district"]) == 2
        )
        assert (
            main(
                [
                    "--registry",
                    str(night["registry"]),
                    "purge",
                    "--district",
                    "ok_district",
                    "--yes",
                ]
            )
            == 0
        )
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where column_name in ('district_id', '_district_id')"
        ).fetchall()
        left = {
            f"{s}.{t}": con.execute(
                f'select count(*) from "{s}"."{t}" where "{c}" = ?', ["ok_district"]
            ).fetchone()[0]
            for s, t, c in tables
        }
        others = con.execute(
            "select count(*) from marts.dim_student where district_id = 'fault_cut'"
        ).fetchone()[0]
    assert {k: v for k, v in left.items() if v} == {}
    assert others == night["night2"]["dim_student"]["fault_cut"]
    assert SENTINEL.encode() not in db.read_bytes()
