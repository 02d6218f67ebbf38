"""`pathways onboard` recognition, for each SIS that sends files: the demo generator's files
of one district per SIS, recognized by content (SIS, every dataset, variant, state), renamed
files given a pattern, a renamed column and a stray file reported. No build here (one
end-to-end onboarding with its build is tests/integration/test_onboard.py)."""

from __future__ import annotations

from datetime import date

import pytest

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
    expected = {d.dataset for d in load_declarations()[sis] if d.applies_to_state(state)}
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


def test_crosswalk_row_keeps_the_seed_order():
    row = crosswalk_row("xwalk_terms", "eschool", "pecan_grove_isd", "SEM1")
    assert row.startswith("eschool,SEM1,")
    assert "pecan_grove_isd" in row.split(",")


def test_powerschool_has_no_files(tmp_path):
    lines = []
    assert onboard("new_ps", tmp_path, sis="powerschool", out=lines.append) == 0
    assert "pathways powerschool-plugin --out" in "\n".join(lines)


def test_nothing_recognized_exits_non_zero(tmp_path):
    (tmp_path / "a.txt").write_text("hello\n", encoding="utf-8")
    lines = []
    assert onboard("new_x", tmp_path, build=False, out=lines.append) == 2


@pytest.mark.parametrize(
    "name", ["Students.csv", "2026_S1/Export.csv", "EXPORT 20261127.txt"], ids=str
)
def test_trial_copies_are_named_as_declared(tmp_path, name):
    """Until the registry takes `files:` overrides, the trial copies each file under a name
    its declared pattern matches (the file's own date kept)."""
    from ingest.onboard import FileFinding, _conforming_name, candidates

    for cand in candidates():
        finding = FileFinding(name, tmp_path / "x", match=cand)
        copy = _conforming_name(finding)
        assert cand.decl.matches(copy), (cand.label, copy)
        if cand.decl.name_date and "20261127" in name:
            assert "20261127" in copy


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
