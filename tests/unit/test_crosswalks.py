"""Ready-to-paste district rows of the crosswalk seeds (ingest/crosswalks.py)."""

from __future__ import annotations

import csv

import pytest

from ingest.crosswalks import (
    SEEDS_DIR,
    CrosswalkError,
    crosswalk_row,
    crosswalk_seeds,
    seed_columns,
)


def test_every_crosswalk_seed_has_a_district_column_after_sis():
    seeds = crosswalk_seeds()
    assert "xwalk_terms" in seeds and len(seeds) >= 9
    for seed in seeds:
        assert seed_columns(seed)[:3] == ["sis", "district_id", "source_code"], seed
        with (SEEDS_DIR / f"{seed}.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        # the shipped seeds are SIS-wide: district rows are each district's own data
        assert all(row["district_id"] == "" for row in rows), seed


def test_row_is_the_seed_columns_in_order_targets_left_empty():
    assert crosswalk_row("xwalk_terms", "eschool", "cedar_bend_isd", " sem1 ") == (
        "eschool,cedar_bend_isd,SEM1,,,,,"
    )
    line = crosswalk_row(
        "xwalk_grade_marks.csv",
        "eschool",
        "cedar_bend_isd",
        "E",
        {"letter_grade": "A", "is_passing": True},
    )
    assert line == "eschool,cedar_bend_isd,E,A,,true"
    assert next(csv.reader([line])) == ["eschool", "cedar_bend_isd", "E", "A", "", "true"]


def test_commas_are_quoted():
    line = crosswalk_row("xwalk_terms", "eschool", "x", "S1", {"term_name": "Fall, early"})
    assert next(csv.reader([line]))[4] == "Fall, early"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("xwalk_nope", "eschool", "x", "S1"), "no crosswalk seed 'xwalk_nope'.*xwalk_terms"),
        (("xwalk_terms", "eschool", "", "S1"), "names its district"),
    ],
)
def test_errors(args, expected):
    with pytest.raises(CrosswalkError, match=expected):
        crosswalk_row(*args)


def test_unknown_target_column():
    with pytest.raises(CrosswalkError, match=r"no columns \['grade'\]"):
        crosswalk_row("xwalk_terms", "eschool", "x", "S1", {"grade": "A"})
