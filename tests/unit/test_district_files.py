"""A district's registry entry may override a dataset's file declaration (`files:`):
district_declarations applies the state filter, the export variant and the overrides, and
refuses an unknown dataset or key with a message naming the district and what to write."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from ingest.declarations import FileDeclaration, district_declarations, load_declarations
from ingest.registry import District, RegistryError, load_registry
from ingest.simulation.generators.common import file_name

REGISTRY = {d.id: d for d in load_registry()}


def _with_files(district: District, files: dict) -> District:
    return dataclasses.replace(district, files=files)


def _by_dataset(decls: list[FileDeclaration]) -> dict[str, FileDeclaration]:
    return {d.dataset: d for d in decls}


def test_no_override_is_the_variant_for_the_state():
    red_river = REGISTRY["red_river_cisd"]
    declared = {
        d.dataset: d.for_variant("download_manager")
        for d in load_declarations()["eschool"]
        if d.applies_to_state("TX")
    }
    assert _by_dataset(district_declarations(red_river)) == declared


def test_state_filter_still_applies():
    indiana = {d.dataset for d in district_declarations(REGISTRY["hoosier_valley_schools"])}
    texas = {d.dataset for d in district_declarations(REGISTRY["bluebonnet_isd"])}
    assert "ibc" in texas and "ibc" not in indiana


def test_override_changes_only_the_named_dataset_and_keys():
    red_river = REGISTRY["red_river_cisd"]
    base = _by_dataset(district_declarations(red_river))
    district = _with_files(
        red_river,
        {
            "students": {"pattern": "Students.csv", "name_date": None},
            "staff": {"encoding": "utf-8", "delimiter": "|", "header": False},
        },
    )
    got = _by_dataset(district_declarations(district))
    students, staff = got["students"], got["staff"]
    assert (students.pattern, students.name_date) == ("Students.csv", None)
    assert students.matches("Students.csv") and not students.matches("students_20261130.csv")
    assert students.file_date("Students.csv") is None
    assert (staff.encodings, staff.delimiter, staff.header) == (("utf-8",), "|", False)
    assert staff.pattern == base["staff"].pattern
    # everything else as declared
    assert (
        dataclasses.replace(students, pattern=base["students"].pattern, name_date="%Y%m%d")
        == (base["students"])
    )
    assert {k: v for k, v in got.items() if k not in {"students", "staff"}} == {
        k: v for k, v in base.items() if k not in {"students", "staff"}
    }


def test_cedar_bend_sends_fixed_names_without_dates():
    decls = _by_dataset(district_declarations(REGISTRY["cedar_bend_isd"]))
    assert decls["students"].pattern == "Students.csv"
    assert decls["course_requests"].pattern == "CourseRequests.csv"
    assert all(d.name_date is None for d in decls.values())
    # the generator writes the fixed name as it is
    assert file_name(decls["grades"], date(2026, 11, 30)) == "Grades.csv"
    assert REGISTRY["cedar_bend_isd"].status == "onboarding"


def test_unknown_dataset_names_the_district_and_what_to_write():
    district = _with_files(REGISTRY["red_river_cisd"], {"student": {"pattern": "Students.csv"}})
    with pytest.raises(RegistryError) as err:
        district_declarations(district)
    message = str(err.value)
    assert "'red_river_cisd'" in message and "['student']" in message
    assert "students" in message and "files: {" in message


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            {"patern": "Students.csv"},
            r"may override only \['pattern', 'name_date', .*not \['patern'\]",
        ),
        ({"columns": ["A"]}, r"not \['columns'\]"),
        ({"delimiter": ";;"}, "delimiter must be one character"),
        ({"name_date": "%Q"}, "name_date must be null or a format"),
        ({"header": "yes"}, "header must be true or false"),
        ({"pattern": ""}, "pattern must be a file name"),
        ({"encoding": []}, "encoding must name"),
    ],
)
def test_bad_override_is_a_registry_error(spec, expected):
    district = _with_files(REGISTRY["red_river_cisd"], {"students": spec})
    with pytest.raises(RegistryError, match=expected) as err:
        district_declarations(district)
    assert "red_river_cisd" in str(err.value) and "files.students" in str(err.value)


def test_unknown_key_fails_when_the_registry_loads(tmp_path):
    text = (
        "districts:\n"
        "  - {id: acme_isd, name: Acme, state: TX, sis: eschool, status: onboarding,\n"
        "     timezone: America/Chicago, transfer: {method: local, folder: /tmp},\n"
        "     files: {students: {pattern: Students.csv, columns: [A]}}}\n"
    )
    path = tmp_path / "districts.yml"
    path.write_text(text)
    with pytest.raises(RegistryError, match=r"'acme_isd'.*files.students may override only"):
        load_registry(path)
