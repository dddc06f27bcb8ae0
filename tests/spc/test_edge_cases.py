"""Edge cases of the definitions in ``facilitator-guide/spc-deviations.md``, for every chart type.

Missing values and zero denominators are "no point"; excluded points stay on the chart but
leave the centre, limits and runs; identical values give sigma 0 with a message; limits are
floored at 0 (and capped at 1 for proportions); phases each get their own frozen baseline;
undefined values are NaN, never infinities.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kit.errors import KitInputError
from kit.spc import analyze, analyze_many

N = None
ALL_CHARTS = ["run", "i", "mr", "xbar", "s", "p", "pp", "u", "up", "c", "g", "t"]


def sample(chart: str, size: int, seed: int = 0):
    """Plausible data of ``size`` periods for a chart: (y, n)."""
    rng = np.random.default_rng(seed)
    if chart in ("xbar", "s"):
        return [list(rng.normal(10, 1, 4)) for _ in range(size)], None
    if chart in ("p", "pp"):
        n = rng.integers(20, 60, size)
        return rng.binomial(n, 0.3).tolist(), n.tolist()
    if chart in ("u", "up"):
        n = rng.uniform(1, 5, size)
        return rng.poisson(4 * n).tolist(), n.tolist()
    if chart == "t":
        return (rng.exponential(10, size) + 0.5).tolist(), None
    if chart in ("c", "g"):
        return rng.poisson(6, size).tolist(), None
    return rng.normal(10, 2, size).tolist(), None


def no_infinity(res) -> None:
    num = res.points.select_dtypes("number")
    assert not np.isinf(num.to_numpy(dtype=float)).any()


# --------------------------------------------------------------------------- short series


@pytest.mark.parametrize("size", [0, 1, 2, 3])
@pytest.mark.parametrize("chart", ALL_CHARTS)
def test_very_short_series(chart, size):
    y, n = sample(chart, size)
    res = analyze(y, n, chart=chart)
    assert len(res.points) == size
    assert len(res.phases) == (1 if size else 0)
    no_infinity(res)
    for name in ("cl", "ucl", "lcl", "phase", "sigma_signal", "signal", "baseline"):
        assert name in res.points


@pytest.mark.parametrize("chart", ["i", "t"])
def test_one_point_has_no_limits_and_says_why(chart):
    res = analyze([4.0], chart=chart)
    assert math.isnan(res.points.ucl[0]) and math.isnan(res.points.lcl[0])
    assert any("too few" in m for m in res.messages)


# --------------------------------------------------------------------------- identical values


@pytest.mark.parametrize(
    "chart,y,n",
    [
        ("i", [5, 5, 5, 5, 5], None),
        ("t", [3, 3, 3, 3], None),
        ("mr", [5, 5, 5, 5], None),
        ("xbar", [[2, 2], [2, 2], [2, 2]], None),
        ("s", [[2, 2], [2, 2], [2, 2]], None),
        ("p", [0, 0, 0], [10, 20, 30]),
        ("p", [10, 20, 30], [10, 20, 30]),
        ("pp", [0, 0, 0], [10, 20, 30]),
        ("u", [0, 0, 0], [1, 2, 3]),
        ("up", [0, 0, 0], [1, 2, 3]),
        ("c", [0, 0, 0, 0], None),
        ("g", [0, 0, 0, 0], None),
    ],
)
def test_identical_values_give_limits_on_the_centre_line(chart, y, n):
    res = analyze(y, n, chart=chart)
    pts = res.points.dropna(subset=["y"])
    assert np.allclose(pts.ucl, pts.cl) and np.allclose(pts.lcl, pts.cl)
    assert not pts.sigma_signal.any()
    assert any("no variation" in m for m in res.messages)
    no_infinity(res)


def test_identical_baseline_then_a_change_is_flagged():
    res = analyze([5, 5, 5, 5, 5, 7], chart="i", freeze=5)
    assert res.points.sigma_signal.tolist() == [False] * 5 + [True]


def test_identical_nonzero_counts_keep_poisson_limits():
    """A C chart's sigma comes from the Poisson model, not from the data's spread."""
    res = analyze([4, 4, 4, 4], chart="c")
    assert res.points.ucl[0] == pytest.approx(4 + 3 * 2)
    assert not res.messages


# --------------------------------------------------------------------------- medians, ties


@pytest.mark.parametrize(
    "y,median,n_useful",
    [
        ([1, 2, 3, 4], 2.5, 4),  # even length: mean of the middle two
        ([1, 2, 3], 2, 2),  # odd length: the middle point is on the median
        ([2, 2, 2, 3], 2, 1),  # ties on the median are not useful
        ([1, N, 3, 5, N], 3, 2),  # missing values are not counted
        ([7], 7, 0),
    ],
)
def test_run_chart_median_and_useful_points(y, median, n_useful):
    res = analyze(y)
    assert res.points.cl[0] == median
    assert res.phases.n_useful[0] == n_useful


# --------------------------------------------------------------------------- missing values


def test_missing_values_are_no_point_and_break_moving_ranges():
    res = analyze([1, 2, N, 10, 11], chart="i", screened_mr=False)
    pts = res.points
    assert math.isnan(pts.y[2]) and not pts.baseline[2] and not pts.signal[2]
    mean = (1 + 2 + 10 + 11) / 4
    # moving ranges: |2-1| and |11-10|; the gap breaks 2 -> 10
    assert pts.ucl[0] == pytest.approx(mean + 3 * 1 / 1.128)
    mr = analyze([1, 2, N, 10, 11], chart="mr")
    assert np.isnan(mr.points.y.to_numpy()[[0, 2, 3]]).all()
    assert mr.points.y[1] == 1 and mr.points.y[4] == 1


@pytest.mark.parametrize("chart", ["p", "pp", "u", "up"])
def test_zero_and_missing_denominators_are_no_point(chart):
    y = [3, 2, 5, 0, 4, 4, 3, 6, 2, 5]
    n = [20, 0, 25, N, 22, 21, 20, 24, 19, 23]
    res = analyze(y, n, chart=chart)
    pts = res.points
    for i in (1, 3):
        assert math.isnan(pts.y[i]) and math.isnan(pts.ucl[i]) and not pts.baseline[i]
    kept = [i for i in range(10) if i not in (1, 3)]
    assert pts.cl[0] == pytest.approx(sum(y[i] for i in kept) / sum(n[i] for i in kept))
    no_infinity(res)


def test_all_missing():
    res = analyze([N, N, N], chart="i")
    assert res.points.y.isna().all() and res.points.cl.isna().all()
    assert any("no usable point" in m.lower() for m in res.messages)
    no_infinity(res)


# --------------------------------------------------------------------------- floors and caps


@pytest.mark.parametrize(
    "chart,y,n",
    [
        ("p", [1, 0, 2, 1], [10, 10, 10, 10]),
        ("pp", [1, 0, 2, 1, 3], [10, 12, 10, 9, 11]),
        ("u", [1, 0, 2, 1], [1, 1, 1, 1]),
        ("up", [1, 0, 2, 1, 3], [1, 2, 1, 1, 2]),
        ("c", [1, 0, 2, 1], None),
        ("g", [1, 0, 2, 1], None),
        ("t", [0.1, 30, 2, 50, 0.5], None),
        ("s", [[1, 9], [5, 5.1], [3, 7]], None),
        ("mr", [1, 5, 2, 8], None),
    ],
)
def test_lower_limit_floored_at_zero(chart, y, n):
    res = analyze(y, n, chart=chart)
    lcl = res.points.lcl.dropna()
    assert (lcl >= 0).all() and (lcl == 0).any()


@pytest.mark.parametrize("chart", ["p", "pp"])
def test_upper_limit_capped_at_one_for_proportions(chart):
    res = analyze([9, 8, 10, 9, 7], [10, 10, 10, 10, 10], chart=chart)
    assert (res.points.ucl <= 1).all() and (res.points.ucl == 1).any()


def test_i_chart_lower_limit_may_be_negative():
    """Individuals are not floored: a measure that can be negative keeps its limit."""
    res = analyze([1, -2, 3, -1, 2], chart="i")
    assert (res.points.lcl < 0).all()


# --------------------------------------------------------------------------- exclusions


def test_excluded_points_stay_plotted_leave_the_centre_and_are_still_flagged():
    y = [10, 11, 10, 12, 11, 50, 10, 11]
    res = analyze(y, chart="i", exclude=[5])
    pts = res.points
    assert pts.excluded[5] and not pts.baseline[5] and pts.y[5] == 50
    assert pts.cl[0] == pytest.approx(np.mean([v for i, v in enumerate(y) if i != 5]))
    assert pts.sigma_signal[5]
    assert res.phases.n_useful[0] == 7


def test_excluded_point_in_run_chart_is_not_useful():
    res = analyze([1, 2, 3, 4, 5], exclude=[0])
    assert res.points.cl[0] == 3.5
    assert res.phases.n_useful[0] == 4


# --------------------------------------------------------------------------- phases and freeze


def test_each_phase_gets_its_own_centre_and_limits():
    y = [10, 12, 11, 13, 12, 20, 22, 21, 23, 22]
    res = analyze(y, chart="i", phase_starts=[5])
    pts = res.points
    assert pts.phase.tolist() == [0] * 5 + [1] * 5
    assert pts.cl[0] == pytest.approx(11.6) and pts.cl[9] == pytest.approx(21.6)
    assert len(res.phases) == 2


def test_freeze_inside_each_phase():
    """The kit freezes the first k points of *each* phase (qicharts2 ignores freeze there)."""
    y = [1, 2, 3, 100, 100, 10, 20, 30, 500, 500]
    res = analyze(y, chart="run", phase_starts=[5], freeze=3)
    pts = res.points
    assert pts.cl[0] == 2 and pts.cl[5] == 20
    assert pts.baseline.tolist() == [True] * 3 + [False] * 2 + [True] * 3 + [False] * 2


def test_frozen_baseline_judges_later_points():
    res = analyze([5, 6, 5, 6, 5, 6, 9, 9, 9], chart="i", freeze=6)
    assert res.points.cl[8] == 5.5
    assert res.points.sigma_signal.tolist()[-3:] == [True, True, True]


def test_freeze_longer_than_series_uses_everything():
    a = analyze([1, 2, 3], chart="i", freeze=10)
    b = analyze([1, 2, 3], chart="i")
    pd.testing.assert_frame_equal(a.points, b.points)


# --------------------------------------------------------------------------- display and x


def test_multiply_scales_values_not_signals():
    y, n = [3, 5, 2, 4, 9], [50, 50, 50, 50, 50]
    a = analyze(y, n, chart="p")
    b = analyze(y, n, chart="p", multiply=100)
    assert np.allclose(b.points.y, a.points.y * 100)
    assert np.allclose(b.points.ucl, a.points.ucl * 100)
    assert (a.points.signal == b.points.signal).all()


def test_rows_sharing_a_period_are_aggregated():
    res = analyze([1, 2, 3, 4], [10, 10, 10, 10], chart="p", x=["Jan", "Jan", "Feb", "Feb"])
    assert res.points.x.tolist() == ["Jan", "Feb"]
    assert res.points.y.tolist() == [0.15, 0.35]
    assert res.points.n.tolist() == [20, 20]


def test_xbar_from_long_data_equals_subgroup_list():
    subgroups = [[1.0, 2.0, 3.0], [2.0, 3.0, 4.0], [1.0, 1.5, 5.0]]
    a = analyze(subgroups, chart="xbar")
    long = [v for sub in subgroups for v in sub]
    x = [i for i, sub in enumerate(subgroups) for _ in sub]
    b = analyze(long, chart="xbar", x=x)
    assert np.allclose(a.points.ucl, b.points.ucl) and np.allclose(a.points.y, b.points.y)


def test_t_chart_back_transforms_and_floors():
    y = [1, 20, 3, 40, 5, 60, 7]
    res = analyze(y, chart="t")
    v = np.array(y, float) ** (1 / 3.6)
    assert res.points.cl[0] == pytest.approx(v.mean() ** 3.6)
    assert res.points.lcl[0] == 0.0


def test_g_chart_median_line_mean_limits():
    y = [2, 5, 9, 30, 4, 7]
    res = analyze(y, chart="g")
    m = np.mean(y)
    assert res.points.cl[0] == np.median(y)
    assert res.points.ucl[0] == pytest.approx(m + 3 * math.sqrt(m * (m + 1)))
    assert res.points.lcl[0] == 0


def test_laney_limits_are_the_p_limits_times_sigma_z():
    """P' half-widths are the P half-widths times sigma_z (Laney 2002), whatever sigma_z is."""
    y, n = [30, 32, 28, 31, 29, 35, 27], [100] * 7
    p = analyze(y, n, chart="p")
    pp = analyze(y, n, chart="pp")
    z = (p.points.y - p.points.cl) / ((p.points.ucl - p.points.cl) / 3)
    sz = np.abs(np.diff(z)).mean() / 1.128
    assert np.allclose(pp.points.ucl - pp.points.cl, (p.points.ucl - p.points.cl) * sz)


# Over-dispersed monthly proportions with very large denominators (20,000 a month): the
# month-to-month variation is far larger than the binomial model allows, the situation Laney
# (Quality Engineering 2002;14(4):531-537) built P' and U' charts for.
LANEY_SHARES = [
    0.200, 0.214, 0.188, 0.207, 0.195, 0.219, 0.183, 0.204, 0.210, 0.192, 0.201, 0.216,
    0.186, 0.198, 0.209, 0.190, 0.212, 0.197, 0.185, 0.205, 0.193, 0.217, 0.189, 0.202,
]  # fmt: skip
LANEY_N = 20_000


@pytest.mark.parametrize("plain,laney", [("p", "pp"), ("u", "up")])
def test_laney_widens_limits_when_large_denominators_meet_overdispersion(plain, laney):
    num = np.round(np.array(LANEY_SHARES) * LANEY_N)
    den = np.full(num.size, float(LANEY_N))
    p = analyze(num, den, chart=plain, screened_mr=False)
    pp = analyze(num, den, chart=laney, screened_mr=False)
    # The ordinary chart's limits are so tight that ordinary months look special ...
    assert p.points.sigma_signal.sum() >= num.size // 3
    # ... sigma_z, the moving-range sigma of the z-scores, is far above 1 ...
    half = (p.points.ucl - p.points.cl) / 3
    z = (p.points.y - p.points.cl) / half
    sigma_z = np.abs(np.diff(z)).mean() / 1.128
    assert sigma_z > 3
    # ... so the Laney limits are sigma_z times wider, on the same centre line,
    np.testing.assert_allclose(pp.points.cl, p.points.cl)
    np.testing.assert_allclose(pp.points.ucl - pp.points.cl, 3 * half * sigma_z)
    # and no month of this stable process is flagged any more.
    assert not pp.points.sigma_signal.any()


def test_xmr_factor_266():
    y = [10, 12, 11, 14, 9, 10]
    a = analyze(y, chart="i", xmr_factor=2.66, screened_mr=False)
    mrbar = np.abs(np.diff(y)).mean()
    assert a.points.ucl[0] == pytest.approx(np.mean(y) + 2.66 * mrbar)


# --------------------------------------------------------------------------- input errors


@pytest.mark.parametrize(
    "kwargs,fragment",
    [
        (dict(y=[1, 2], chart="pie"), "Unknown chart"),
        (dict(y=[1, 2], rules="mine"), "Unknown rule set"),
        (dict(y=[1, -2], chart="c"), "cannot be negative"),
        (dict(y=[1, 2], n=[1, -2], chart="u"), "Denominators cannot be negative"),
        (dict(y=[5, 2], n=[4, 3], chart="p"), "cannot be larger than the denominator"),
        (dict(y=[5, 0], chart="t"), "greater than zero"),
        (dict(y=[1, 2], n=[1, 2, 3], chart="p"), "give one denominator per value"),
        (dict(y=[1, 2], chart="p"), "needs denominators"),
        (dict(y=[1, 2], x=[1]), "x has 1 labels"),
        (dict(y=[1, 2], phase_starts=[5]), "positions between 0 and 1"),
        (dict(y=[1, 2], exclude=[-1]), "positions between"),
        (dict(y=[1, 2], exclude=[0.5]), "whole-number positions"),
        (dict(y=[1, 2], freeze=0), "freeze"),
        (dict(y=[1, 2], direction="left"), "direction"),
        (dict(y=[1, 2], multiply=0), "multiply"),
        (dict(y=[1, 2], xmr_factor=-1), "xmr_factor"),
        (dict(y=[1, float("inf")]), "infinite"),
        (dict(y=["a", "b"]), "numbers only"),
        (dict(y=[1, 2], chart="xbar"), "subgroups"),
    ],
)
def test_bad_input_raises_a_message_a_participant_can_act_on(kwargs, fragment):
    y = kwargs.pop("y")
    n = kwargs.pop("n", None)
    with pytest.raises(KitInputError, match=fragment):
        analyze(y, n, **kwargs)


def test_analyze_many_missing_column():
    with pytest.raises(KitInputError, match="no column"):
        analyze_many(pd.DataFrame({"team": [1], "period": [1]}), y="value")


def test_numerator_above_zero_denominator_is_no_point_not_an_error():
    res = analyze([2, 1, 2], [0, 4, 5], chart="p")
    assert math.isnan(res.points.y[0])


# --------------------------------------------------------------------------- analyze_many


def test_analyze_many_with_phase_and_exclusion_columns():
    frame = pd.DataFrame(
        {
            "team": ["A"] * 6 + ["B"] * 6,
            "period": list(range(6)) * 2,
            "value": [1, 2, 3, 10, 11, 12, 5, 5, 6, 6, 99, 5],
            "stage": ["before"] * 3 + ["after"] * 3 + ["before"] * 6,
            "skip": [False] * 10 + [True, False],
        }
    )
    res = analyze_many(frame, chart="i", phase_starts="stage", exclude="skip")
    a = res.series("A")
    assert a.points.phase.tolist() == [0, 0, 0, 1, 1, 1]
    b = res.series("B")
    assert b.points.phase.tolist() == [0] * 6
    assert b.points.excluded.tolist() == [False] * 4 + [True, False]
    assert b.points.cl[0] == pytest.approx(np.mean([5, 5, 6, 6, 5]))
    assert list(res.phases.team) == ["A", "A", "B"]


def test_analyze_many_aggregates_duplicate_periods_per_team():
    frame = pd.DataFrame(
        {"team": ["A", "A", "B", "A"], "period": [1, 1, 1, 2], "value": [2, 4, 3, 6]}
    )
    res = analyze_many(frame, chart="i")
    assert res.series("A").points.y.tolist() == [3, 6]
    assert res.series("B").points.y.tolist() == [3]
    with pytest.raises(KitInputError):
        res.series("Z")


@pytest.mark.parametrize("rules", ["anhoej", "ihi", "nhs", "western_electric"])
def test_mr_chart_reads_only_the_outside_limits_rule(rules):
    y = [1, 2, 1, 2, 1, 2, 1, 2, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 30]
    res = analyze(y, chart="mr", rules=rules)
    assert (res.points.signal == res.points.sigma_signal).all()
    assert not res.phases.runs_signal.any()


def test_analyze_many_messages_per_team():
    frame = pd.DataFrame(
        {"team": ["A", "A", "AB", "AB"], "period": [1, 2, 1, 2], "value": [3, 3, 1, 2]}
    )
    res = analyze_many(frame, chart="i")
    assert len(res.messages) == 1 and res.messages[0].startswith("A: ")
    assert res.series("A").messages and not res.series("AB").messages


def test_analyze_many_sums_numerators_and_denominators_per_period():
    frame = pd.DataFrame(
        {
            "team": ["A"] * 4,
            "period": [1, 1, 2, 2],
            "y": [1, 2, np.nan, np.nan],
            "n": [10, 10, np.nan, np.nan],
        }
    )
    pts = analyze_many(frame, y="y", n="n", chart="p").points
    assert pts.y[0] == pytest.approx(0.15) and np.isnan(pts.y[1])


def test_series_index_labels_the_periods():
    months = pd.period_range("2024-01", periods=4, freq="M")
    res = analyze(pd.Series([1.0, 2.0, 3.0, 4.0], index=months))
    assert res.points.x.tolist() == list(months)
    assert analyze(pd.Series([1.0, 2.0])).points.x.tolist() == [0, 1]


@pytest.mark.parametrize("chart", ["xbar", "s"])
def test_analyze_many_subgroups_from_long_data(chart):
    rng = np.random.default_rng(3)
    rows = []
    for team in ("A", "B"):
        for period in range(8):
            for value in rng.normal(10, 1, int(rng.integers(2, 5))):
                rows.append({"team": team, "period": period, "value": value})
    frame = pd.DataFrame(rows)
    many = analyze_many(frame, chart=chart)
    for team in ("A", "B"):
        sub = frame[frame.team == team]
        one = analyze(sub.value.to_numpy(), chart=chart, x=sub.period.to_numpy())
        got = many.series(team).points
        assert np.allclose(got.ucl, one.points.ucl) and np.allclose(got.y, one.points.y)
        assert got.n.tolist() == one.points.n.tolist()


@pytest.mark.parametrize("column", ["team", "period"])
def test_analyze_many_rows_without_team_or_period_are_refused(column):
    frame = pd.DataFrame({"team": ["A", "A", "B"], "period": [1, 2, 1], "value": [1.0, 2, 3]})
    frame.loc[1, column] = None
    with pytest.raises(KitInputError, match="fill it in or drop"):
        analyze_many(frame, chart="i")


def test_empty_period_label_is_refused():
    with pytest.raises(KitInputError, match="periods in x are empty"):
        analyze([1, 2], x=["Jan", None])
