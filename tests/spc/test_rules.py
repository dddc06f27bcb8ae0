"""Parametrised tables for every rule: empty, shorter than the rule, exactly its length,
points on the centre line, ties, missing values and exclusions.

Rule functions are tested directly on one group, and through :func:`kit.spc.analyze` where
the rule set decides how points on the centre line are treated (IHI / Anhøj: neither count
nor break; NHS / Western Electric: break).
"""

from __future__ import annotations

import numpy as np
import pytest

from kit.spc import analyze
from kit.spc import rules as R

N = None


def one_group(n: int) -> np.ndarray:
    return np.zeros(n, dtype=np.int64)


def idx(flags) -> list[int]:
    return np.flatnonzero(np.asarray(flags, dtype=bool)).tolist()


# --------------------------------------------------------------------------- rule functions


@pytest.mark.parametrize(
    "side,min_length,expected",
    [
        ([], 6, []),
        ([1] * 5, 6, []),  # shorter than the rule
        ([1] * 6, 6, list(range(6))),  # exactly the rule's length
        ([-1] * 6 + [1], 6, list(range(6))),
        ([1, 1, 1, 0, 1, 1, 1], 6, []),  # a zero (point on the line, MDC) breaks the run
        ([1, -1] * 4, 2, []),
        ([1, 1, -1, -1], 2, [0, 1, 2, 3]),
    ],
)
def test_consecutive_rule(side, min_length, expected):
    side = np.asarray(side, dtype=np.int8)
    assert idx(R.consecutive_rule(one_group(side.size), side, min_length=min_length)) == expected


def test_consecutive_rule_never_crosses_groups():
    group = np.array([0, 0, 0, 1, 1, 1])
    side = np.ones(6, dtype=np.int8)
    assert idx(R.consecutive_rule(group, side, min_length=4)) == []
    assert idx(R.consecutive_rule(group, side, min_length=3)) == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    "values,min_length,ties_break,expected",
    [
        ([], 5, False, []),
        ([1], 5, False, []),
        ([1, 2, 3, 4], 5, False, []),  # shorter than the rule
        ([1, 2, 3, 4, 5], 5, False, [0, 1, 2, 3, 4]),  # exactly the rule's length
        ([5, 4, 3, 2, 1], 5, False, [0, 1, 2, 3, 4]),  # going down
        ([1, 2, 2, 3, 4, 5], 5, False, [0, 1, 2, 3, 4, 5]),  # a tie neither adds nor breaks
        ([1, 2, 2, 3, 4], 5, False, []),  # ... so it does not add either
        ([1, 2, 3, 4, 5, 4, 3, 2, 1], 5, False, list(range(9))),  # up then down, peak shared
        ([3, 1, 2, 3, 4, 5, 1], 5, False, [1, 2, 3, 4, 5]),
        ([1, 2, 3, 4, 5, 6, 7], 7, True, list(range(7))),  # NHS: 7 strictly rising
        ([1, 2, 3, 3, 4, 5, 6, 7], 7, True, []),  # NHS: a tie breaks the trend
        ([7, 6, 5, 4, 3, 2], 7, True, []),
        ([1, 1, 1, 1, 1, 1], 5, False, []),  # flat is no trend
    ],
)
def test_trend_rule(values, min_length, ties_break, expected):
    v = np.asarray(values, dtype=float)
    got = R.trend_rule(one_group(v.size), v, min_length=min_length, ties_break=ties_break)
    assert idx(got) == expected


def test_trend_rule_never_crosses_groups():
    v = np.array([1, 2, 3, 4, 5, 6], dtype=float)
    assert idx(R.trend_rule(np.array([0, 0, 0, 1, 1, 1]), v, min_length=5)) == []


@pytest.mark.parametrize(
    "beyond,k,m,expected",
    [
        ([], 2, 3, []),
        ([1, 1], 2, 3, []),  # fewer points than the window
        ([1, 0, 1], 2, 3, [0, 2]),  # 2 of 3: only the points beyond are flagged
        ([1, 1, 0], 2, 3, [0, 1]),
        ([1, 0, 0, 1], 2, 3, []),  # too far apart
        ([0, 0, 0, 1, 1, 1, 1, 0], 4, 5, [3, 4, 5, 6]),  # 4 of 5
        ([1, 1, 1, 0, 0], 4, 5, []),
    ],
)
def test_k_of_m_rule(beyond, k, m, expected):
    b = np.asarray(beyond, dtype=bool)
    assert idx(R.k_of_m_rule(one_group(b.size), b, k=k, m=m)) == expected


@pytest.mark.parametrize(
    "y,lcl,ucl,expected",
    [
        ([1, 5, 9], [2, 2, 2], [8, 8, 8], [0, 2]),
        ([2, 8], [2, 2], [8, 8], []),  # on the limit is not beyond it
        ([1, 9], [np.nan, np.nan], [np.nan, np.nan], []),  # no limits never fire
        ([0.5], [0.5], [0.5], []),  # limits on the centre line (no variation)
    ],
)
def test_outside_limits_rule(y, lcl, ucl, expected):
    got = R.outside_limits_rule(np.array(y, float), np.array(lcl, float), np.array(ucl, float))
    assert idx(got) == expected


@pytest.mark.parametrize("length,fires", [(14, False), (15, True), (20, True), (0, False)])
def test_hugging_rule(length, fires):
    within = np.ones(length, dtype=bool)
    assert R.hugging_rule(one_group(length), within).any() == fires


@pytest.mark.parametrize(
    "side,n_useful,longest,crossings",
    [
        ([], 0, 0, 0),
        ([1], 1, 1, 0),
        ([1, -1, 1], 3, 1, 2),
        ([1, 1, 1, -1, -1], 5, 3, 1),
    ],
)
def test_anhoej_runs(side, n_useful, longest, crossings):
    s = np.asarray(side, dtype=np.int8)
    nu, lo, cr, _ = R.anhoej_runs(one_group(s.size), s, 1)
    assert (nu[0], lo[0], cr[0]) == (n_useful, longest, crossings)


# --------------------------------------------------------------------------- through analyze

# Six 1s, one 5 and six 9s: the median is 5 exactly.
ON_MEDIAN = [1, 1, 1, 5, 1, 1, 1, 9, 9, 9, 9, 9, 9]


@pytest.mark.parametrize(
    "y,exclude,expected_shift",
    [
        ([1] * 5 + [9] * 5, None, []),  # runs of five: no IHI shift
        ([1] * 6 + [9] * 6, None, list(range(12))),  # exactly six on each side
        (ON_MEDIAN, None, [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]),  # on the median: no break
        ([1, 1, 1, N, 1, 1, 1, 9, 9, 9, 9, 9, 9], None, [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
        # an excluded point is skipped: it neither counts nor breaks
        ([1, 1, 1, 20, 1, 1, 1, 9, 9, 9, 9, 9, 9], [3], [0, 1, 2, 4, 5, 6, *range(7, 13)]),
    ],
)
def test_ihi_shift_through_analyze(y, exclude, expected_shift):
    res = analyze(y, rules="ihi", exclude=exclude)
    assert idx(res.points["shift"]) == expected_shift


@pytest.mark.parametrize(
    "y,expected_trend",
    [
        ([1, 2, 3, 4, 5, 3], [0, 1, 2, 3, 4]),
        ([1, 2, 3, N, 4, 5, 3], [0, 1, 2, 4, 5]),  # a missing value is skipped
        ([1, 2, 2, 3, 4, 3], []),  # the tie does not add a point
        ([9, 1, 2, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6]),
    ],
)
def test_ihi_trend_through_analyze(y, expected_trend):
    assert idx(analyze(y, rules="ihi").points["trend"]) == expected_trend


def test_anhoej_points_on_median_are_not_useful():
    res = analyze(ON_MEDIAN)
    ph = res.phases.iloc[0]
    assert ph.n_useful == 12
    assert ph.longest_run == 6
    assert ph.n_crossings == 1


def test_nhs_point_on_mean_breaks_a_run():
    # Mean of the baseline (first 8 points) is 5; seven points above, then one on the mean.
    base = [1, 9, 1, 9, 1, 9, 1, 9]
    y = base + [6, 6, 6, 5, 6, 6, 6]
    res = analyze(y, chart="i", rules="nhs", freeze=8)
    assert not res.points["shift"].any()
    res = analyze(base + [6] * 7, chart="i", rules="nhs", freeze=8)
    assert idx(res.points["shift"]) == list(range(7, 15))  # the last baseline 9 joins in


def test_nhs_label_priority_and_direction():
    # A frozen, flat-ish baseline then a steady climb beyond the limits.
    base = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11]
    climb = [12, 13, 14, 15, 16, 17, 18]
    res = analyze(base + climb, chart="i", rules="nhs", freeze=10, direction="up")
    pts = res.points
    assert set(pts["special_cause"].iloc[10:].dropna()) <= {"outside", "trend", "shift"}
    assert (pts["special_cause"].iloc[-1]) == "outside"  # outside beats trend and shift
    assert set(pts.loc[pts.signal, "variation"]) == {"improvement"}
    down = analyze(base + climb, chart="i", rules="nhs", freeze=10, direction="down")
    assert set(down.points.loc[down.points.signal, "variation"]) == {"concern"}


def test_nhs_two_of_three_counts_only_points_between_2_and_3_sigma():
    # Baseline mean 0, MRbar 1.128 -> sigma 1 (alternating +-0.564).
    base = [0.564, -0.564] * 10
    res = analyze(base + [2.5, 0.0, 2.5], chart="i", rules="nhs", freeze=20, screened_mr=False)
    assert idx(res.points["two_of_three"]) == [20, 22]
    res = analyze(base + [2.5, 0.0, 3.5], chart="i", rules="nhs", freeze=20, screened_mr=False)
    assert idx(res.points["two_of_three"]) == []  # 3.5 is outside, not between 2 and 3 sigma


def test_western_electric_rules():
    base = [0.564, -0.564] * 10  # mean 0, sigma 1
    tail = [1.5, 1.5, 0.5, 1.5, 1.5, 2.5, 0.2, 2.5, 3.5]
    res = analyze(base + tail, chart="i", rules="western_electric", freeze=20, screened_mr=False)
    p = res.points
    assert idx(p["we1"]) == [28]
    assert 25 in idx(p["we2"]) and 27 in idx(p["we2"])
    assert {20, 21, 23, 24}.issubset(idx(p["we3"]))
    assert idx(p["we4"]) == list(range(20, 29))


def test_ihi_shewhart_rules_on_control_chart():
    base = [0.564, -0.564] * 10
    res = analyze(base + [0.3] * 8, chart="i", rules="ihi", freeze=20, screened_mr=False)
    assert idx(res.points["shift"]) == list(range(20, 28))  # 8 on one side (Data Guide)
    # 15 in a row within one sigma (Data Guide rule 5): 14 is not enough.
    base = [0, 3, 0, -3] * 5  # mean 0, sigma 3 / 1.128; the +-3 points break any hugging
    res = analyze(base + [0.2, -0.2] * 7, chart="i", rules="ihi", freeze=20, screened_mr=False)
    assert res.points["hugging"].sum() == 0
    res = analyze(base + [0.2, -0.2] * 8, chart="i", rules="ihi", freeze=20, screened_mr=False)
    assert idx(res.points["hugging"]) == list(range(20, 36))


@pytest.mark.parametrize(
    "rules,column,threshold,length,fires",
    [
        ("ihi", "shift", 8, 7, False),
        ("ihi", "shift", 8, 8, True),
        ("nhs", "shift", 6, 6, True),
        ("western_electric", "we4", 9, 8, False),
    ],
)
def test_rule_lengths_are_parameters(rules, column, threshold, length, fires):
    y = [1] * length + [9] * length + [5]
    res = analyze(y, chart="run", rules=rules, thresholds={"shift": threshold})
    assert res.points[column].any() == fires


def test_unknown_threshold_is_refused():
    from kit.errors import KitInputError

    with pytest.raises(KitInputError, match="Unknown threshold"):
        analyze([1, 2, 3], rules="ihi", thresholds={"runs": 3})


def test_runs_count_is_a_run_chart_rule():
    y = [1] * 6 + [9] * 6 + [1] * 6 + [9] * 6
    assert analyze(y, rules="ihi").phases.too_few_runs[0]
    control = analyze(y, chart="i", rules="ihi").phases
    assert control.n_runs[0] == 4 and not control.too_few_runs[0]
