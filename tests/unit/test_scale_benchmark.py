"""The scale benchmark's table and ratios (ingest/scale_benchmark.py), without running a night:
speed itself is measured by `pathways benchmark --scale`, never asserted by a test."""

from __future__ import annotations

import pytest

from ingest.scale_benchmark import ScaleResult, format_table, growth, parse_scales


def _result(scale: int, night_s: float, raw_read_s: float = 2.0, **kw) -> ScaleResult:
    values = dict(
        scale=scale,
        students=3500 * scale,
        raw_mb=13.0 * scale,
        ingest_s=night_s / 2,
        raw_read_s=raw_read_s,
        freshness_s=5.0,
        build_s=night_s / 4,
        docs_s=3.0,
        night_s=night_s,
        peak_mb=500.0,
    )
    values.update(kw)
    return ScaleResult(**values)


def test_growth_is_each_scale_against_the_one_before_whatever_the_order():
    results = [_result(100, 400.0), _result(1, 50.0), _result(10, 100.0)]
    assert growth(results) == [4.0, None, 2.0]
    assert growth([]) == []


def test_fixed_cost_and_night_over_raw_read():
    r = _result(1, 60.0, raw_read_s=1.5, freshness_s=4.0, build_s=20.0, docs_s=6.0)
    assert r.fixed_s == 30.0
    assert r.night_per_raw == 40.0
    assert _result(1, 60.0, raw_read_s=0.0).night_per_raw is None


def test_a_quiet_night_is_a_share_of_a_later_full_night():
    later = {"quiet": {"night": 6.0}, "later": {"freshness": 2.0, "build": 20.0, "docs": 1.0,
                                                 "night": 40.0}}  # fmt: skip
    r = _result(1, 60.0, later_steps=later)
    assert r.quiet_per_full == 0.15
    assert r.later_fixed_s == 23.0
    assert _result(1, 60.0).quiet_per_full is None  # no later night measured
    table = format_table([r])
    assert "15%" in table.splitlines()[2].split()
    assert "23.0" in table.splitlines()[2].split()


def test_table_has_one_line_per_scale_smallest_first_with_its_ratios():
    table = format_table([_result(10, 100.0, raw_read_s=5.0), _result(1, 50.0, raw_read_s=1.0)])
    header, rule, first, second = table.splitlines()
    for column in ("students", "raw MB", "ingest s", "DuckDB read s", "freshness s", "build s"):
        assert column in header
    for column in ("docs s", "fixed s", "night s", "peak MB", "night/read", "night/prev"):
        assert column in header
    for column in ("later fixed s", "quiet night s", "quiet/full"):
        assert column in header
    assert set(rule) == {"-"}
    assert first.split()[:2] == ["1x", "3,500"]
    assert first.split()[-2:] == ["50.00x", "-"]  # night / raw read; no smaller scale
    assert second.split()[:2] == ["10x", "35,000"]
    assert second.split()[-2:] == ["20.00x", "2.00x"]
    # every line lines up under the header
    assert len({len(header), len(first), len(second)}) == 1


def test_scales_option():
    assert parse_scales("1,10,100") == [1, 10, 100]
    assert parse_scales(" 1x, 5 ") == [1, 5]
    for bad in ("", "1,,10", "0", "ten", "-1"):
        with pytest.raises(SystemExit):
            parse_scales(bad)
