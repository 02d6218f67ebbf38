"""`pathways onboard` recognition, for each SIS that sends files: the demo generator's files
of one district per SIS, recognized by content (SIS, every dataset, variant, state), renamed
files given a pattern, a renamed column and a stray file reported. No build here (one
end-to-end onboarding with its build is tests/integration/test_onboard.py)."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from ingest.declarations import load_declarations
from ingest.demo import write_night
from ingest.onboard import (
    crosswalk_row,
    header_diff,
    infer_state,
    onboard,
    proposal,
    proposal_yaml,
    recognize_folder,
    required_missing,
)
from ingest.registry import load_registry

NIGHT = date(2026, 11, 27)
# one demo district per SIS that sends files (both eSchool variants)
DISTRICTS = {
    "bluebonnet_isd": ("skyward_sms", None, "TX"),
    "hoosier_valley_schools": ("skyward_sms", None, "IN"),
    "mesquite_springs_isd": ("ascender", None, "TX"),
    "red_river_cisd": ("eschool", "download_manager", "TX"),
    "caddo_lake_isd": ("eschool", "cognos", "TX"),
    "lone_star_prep": ("harmony", None, "TX"),
    "wabash_county_schools": ("skyward_qmlativ", None, "IN"),
}


@pytest.fixture(scope="module")
def demo_folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("onboard-demo")
    districts = [d for d in load_registry() if d.id in DISTRICTS]
    generated = write_night(districts, root, NIGHT, students=20)
    return {district_id: g.folder for district_id, g in generated.items()}


@pytest.mark.parametrize("district_id", sorted(DISTRICTS))
def test_recognizes_the_sis_and_every_dataset(demo_folders, district_id):
    sis, variant, state = DISTRICTS[district_id]
    rec = recognize_folder(demo_folders[district_id])
    infer_state(rec, None)
    assert rec.sis == sis
    assert rec.variant == variant
    assert rec.state == state
    assert rec.unrecognized == []
    declarations = load_declarations()
    expected = {d.dataset for d in declarations[sis] if d.applies_to_state(state)}
    sent = {path.name for path in demo_folders[district_id].iterdir()}
    if any(d.matches(name) for d in declarations["pathways"] for name in sent):
        expected.add("users")  # the platform's Users data, whatever the SIS
    assert {f.dataset for f in rec.recognized} == expected
    assert required_missing(rec) == []
    entry, _ = proposal(rec, f"new_{district_id}", demo_folders[district_id])
    assert "files" not in entry  # the declared names: no override
    assert entry["schools"] and all(s["school_id"] for s in entry["schools"])


def test_headerless_crosswalk_is_placed_by_its_shape(demo_folders):
    rec = recognize_folder(demo_folders["bluebonnet_isd"])
    crosswalk = [f for f in rec.recognized if f.dataset == "course_crosswalk"]
    assert [f.how for f in crosswalk] == ["shape"]


def test_renamed_files_get_a_pattern_and_odd_files_are_reported(demo_folders, tmp_path):
    folder = tmp_path / "wabash"
    folder.mkdir()
    for path in demo_folders["wabash_county_schools"].iterdir():
        name = {"qmlativ_students_20261127.csv": "Students.csv"}.get(path.name, path.name)
        if path.name == "qmlativ_grades_20261127.csv":
            name = "GRADES 20261127.csv"
        text = path.read_bytes()
        if path.name == "qmlativ_staff_20261127.csv":
            text = text.replace(b"IsCounselor", b"Counselor", 1)
        (folder / name).write_bytes(text)
    (folder / "readme.txt").write_text("our nightly export\n", encoding="utf-8")
    rec = recognize_folder(folder)
    infer_state(rec, None)
    assert rec.sis == "skyward_qmlativ"
    entry, _ = proposal(rec, "new_wabash", folder)
    assert entry["files"] == {
        "students": {"pattern": "Students.csv", "name_date": None},
        "grades": {"pattern": "GRADES *.csv", "name_date": "%Y%m%d"},
    }
    assert "pattern: Students.csv" in proposal_yaml(entry)
    bad = {f.name: f for f in rec.unrecognized}
    assert set(bad) == {"qmlativ_staff_20261127.csv", "readme.txt"}
    assert bad["qmlativ_staff_20261127.csv"].problem == (
        "header does not match any declaration; closest: skyward_qmlativ staff (75% of column "
        "names shared): column 7 renamed: 'IsCounselor' is 'Counselor' in the file"
    )
    assert "not a headed export of any SIS" in bad["readme.txt"].problem
    assert [d.dataset for d in required_missing(rec)] == ["staff"]


def test_header_diff_names_missing_and_extra_columns():
    assert header_diff(["A", "C", "D", "E"], ("A", "B", "C")) == ("missing: 'B'; extra: 'D', 'E'")


def test_crosswalk_row_is_the_shared_one_in_the_seed_order():
    """The paste rows are ingest.crosswalks.crosswalk_row's: the seed's own header order
    (sis, district_id, source_code, then the mapped columns left empty)."""
    row = crosswalk_row("xwalk_terms", "eschool", "pecan_grove_isd", "sem1")
    assert row == "eschool,pecan_grove_isd,SEM1,,,,,"


def test_crosswalk_rows_follow_the_project_copy(tmp_path, monkeypatch):
    """With PATHWAYS_DBT_PROJECT_DIR on a copy, the known codes are the copy's seeds (what
    the trial builds), not the repo's."""
    from ingest.onboard import seed_codes

    (tmp_path / "dbt_project").mkdir()
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "xwalk_terms.csv").write_text(
        "sis,district_id,source_code,term_code,term_name,term_type,term_sequence,is_final_term\n"
        "eschool,pecan_grove_isd,SEM1,S1,Semester 1,semester,1,true\n",
        encoding="utf-8",
    )
    assert "SEM1" not in seed_codes("xwalk_terms", "eschool", "pecan_grove_isd")
    monkeypatch.setenv("PATHWAYS_DBT_PROJECT_DIR", str(tmp_path / "dbt_project"))
    assert seed_codes("xwalk_terms", "eschool", "pecan_grove_isd") == {"SEM1"}
    assert seed_codes("xwalk_terms", "eschool", "other_isd") == set()


def test_powerschool_has_no_files(tmp_path):
    lines = []
    assert onboard("new_ps", tmp_path, sis="powerschool", out=lines.append) == 0
    assert "pathways powerschool-plugin --out" in "\n".join(lines)


def test_nothing_recognized_exits_non_zero(tmp_path):
    (tmp_path / "a.txt").write_text("hello\n", encoding="utf-8")
    lines = []
    assert onboard("new_x", tmp_path, build=False, out=lines.append) == 2


def test_the_trial_reads_the_files_under_their_own_names(tmp_path):
    """The trial's registry entry is the proposal's: its `files:` overrides (pattern, and
    encoding / delimiter when they differ from the declaration) load as a District, and the
    district's declarations then match the files' own names."""
    from ingest.declarations import district_declarations
    from ingest.onboard import trial_registry_entry
    from ingest.registry import load_registry as load

    entry = {
        "id": "new_x", "name": "New X", "state": "TX", "state_district_id": "000000",
        "sis": "eschool", "export_variant": "download_manager", "status": "onboarding",
        "timezone": "America/Chicago", "transfer": {"method": "local", "folder": str(tmp_path)},
        "files": {
            "students": {"pattern": "Students.csv", "name_date": None, "delimiter": "|"},
            "grades": {"pattern": "Grades *.csv", "name_date": "%Y%m%d", "encoding": "utf-16"},
        },
        "schools": [{"school_id": "001", "state_school_id": "000000001", "name": "S",
                     "grade_low": "09", "grade_high": "12", "_rows": {"students": 3}}],
    }  # fmt: skip
    trial = trial_registry_entry(entry)
    assert trial["files"] == entry["files"]
    assert "_rows" not in trial["schools"][0] and trial["guards"] == {"stable_seconds": 0}
    path = tmp_path / "trial.yml"
    path.write_text(yaml.safe_dump({"districts": [trial]}), encoding="utf-8")
    (district,) = load(path)
    decls = {d.dataset: d for d in district_declarations(district)}
    assert decls["students"].matches("Students.csv") and decls["students"].delimiter == "|"
    assert decls["grades"].matches("Grades 20261127.csv")
    assert decls["grades"].encodings == ("utf-16",)


def test_unmapped_codes_are_read_from_the_rule_text():
    from ingest.onboard import rule_of, unmapped_code

    assert unmapped_code("grades", "MARK_TYPE SEM1 is not a known term") == (
        "xwalk_terms",
        "MARK_TYPE",
        "SEM1",
    )
    assert unmapped_code("requests", "RequestType X is not P or A")[0] == "xwalk_request_types"
    assert unmapped_code("students", "Birth Date is not a date") is None
    assert rule_of("grades", "MARK_TYPE SEM1 is not a known term") == (
        "MARK_TYPE is not a known term"
    )
