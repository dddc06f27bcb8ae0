"""Funnel plot limits (kit/spc/funnel.py) against Spiegelhalter 2005's definitions.

No table of published limits for given (p0, n) was at hand, so the expected values here are
**derived**: computed independently in this file, with Python's integers and the standard
library only (``math.comb``, ``math.factorial``, ``statistics.NormalDist``), from the formulas
of Spiegelhalter, "Funnel plots for comparing institutional performance", Statistics in
Medicine 2005;24:1185-1202 (section 3 for the normal approximation, appendix A.1 for the exact
binomial and Poisson limits with interpolation, section 6.2 for the multiplicative
over-dispersion factor from 10%-winsorised z-scores). The paper's own z-values, 1.96 and 3.09,
are checked as printed.
"""

from __future__ import annotations

import math
from fractions import Fraction
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from kit.errors import KitInputError
from kit.spc.funnel import (
    LEVELS,
    exact_limits,
    funnel,
    funnel_for_period,
    normal_limits,
    overdispersion,
)


def reference_exact(p0: float, n: int, prob: float, kind: str) -> float:
    """Appendix A.1 by a plain loop: r_P, the smallest r with F(r) >= P, then
    (r_P - alpha) / n with alpha = (F(r_P) - P) / (F(r_P) - F(r_P - 1)); exact fractions."""
    p = Fraction(p0)
    cdf = Fraction(0)
    r = 0
    while True:
        if kind == "proportion":
            pmf = math.comb(n, r) * p**r * (1 - p) ** (n - r)
        else:
            mu = float(p * n)
            pmf = Fraction(math.exp(-mu) * mu**r / math.factorial(r))
        cdf += pmf
        if cdf >= Fraction(prob):
            break
        r += 1
    alpha = (cdf - Fraction(prob)) / pmf
    return max(float((r - alpha) / n), 0.0)


def test_z_values_are_the_papers_196_and_309():
    assert round(LEVELS["95"], 2) == 1.96
    assert round(LEVELS["99.8"], 2) == 3.09


@pytest.mark.parametrize("n", [10, 25, 60, 200, 750])
def test_normal_limits_follow_p0_plus_minus_z_sqrt(n):
    p0 = 0.3
    for coverage in ("95", "99.8"):
        z = NormalDist().inv_cdf(0.975 if coverage == "95" else 0.999)
        half = z * math.sqrt(p0 * (1 - p0) / n)
        lower, upper = normal_limits(p0, [n], z)
        assert lower[0] == pytest.approx(max(p0 - half, 0))
        assert upper[0] == pytest.approx(min(p0 + half, 1))
    # for a rate (Poisson) the variance is p0 itself
    lower, upper = normal_limits(2.0, [n], 1.959964, kind="rate")
    assert upper[0] == pytest.approx(2.0 + 1.959964 * math.sqrt(2.0 / n))


@pytest.mark.parametrize("kind", ["proportion", "rate"])
@pytest.mark.parametrize("n", [1, 4, 12, 37, 100, 260])
@pytest.mark.parametrize("coverage", ["95", "99.8"])
def test_exact_limits_match_the_appendix_by_plain_loop(kind, n, coverage):
    p0 = 0.15
    tail = NormalDist().cdf(-LEVELS[coverage])
    lower, upper = exact_limits(p0, [n], coverage, kind=kind)
    assert lower[0] == pytest.approx(reference_exact(p0, n, tail, kind), abs=1e-9)
    expected_upper = reference_exact(p0, n, 1 - tail, kind)
    if kind == "proportion":
        expected_upper = min(expected_upper, 1.0)
    assert upper[0] == pytest.approx(expected_upper, abs=1e-9)


def test_exact_limits_are_vectorised_and_approach_the_normal_ones():
    n = np.array([50, 500, 5000, 50000])
    lower, upper = exact_limits(0.2, n, "95")
    nl, nu = normal_limits(0.2, n, LEVELS["95"])
    gap = np.abs(upper - nu)
    assert np.all(np.diff(gap) < 0)  # closer as n grows
    assert gap[-1] < 1e-3
    assert np.all(lower < 0.2) and np.all(upper > 0.2)
    assert np.all(np.diff(upper) < 0) and np.all(np.diff(lower) > 0)  # a funnel


def test_limits_widen_for_small_denominators():
    result = funnel([2, 30, 300], [10, 100, 1000], ["small", "mid", "large"])
    width = result.teams["upper998"] - result.teams["lower998"]
    assert width.is_monotonic_decreasing
    assert result.target == pytest.approx(332 / 1110)


def reference_phi(rates, ns, p0):
    z = sorted((r - p0) / math.sqrt(p0 * (1 - p0) / n) for r, n in zip(rates, ns, strict=True))

    # 10th and 90th percentiles by linear interpolation between order statistics
    def pct(q):
        pos = q * (len(z) - 1)
        lo = math.floor(pos)
        hi = min(lo + 1, len(z) - 1)
        return z[lo] + (pos - lo) * (z[hi] - z[lo])

    low, high = pct(0.1), pct(0.9)
    return sum(min(max(v, low), high) ** 2 for v in z) / len(z)


def test_overdispersion_phi_from_winsorised_z_scores():
    rng = np.random.default_rng(7)
    n = rng.integers(50, 400, 30)
    true = rng.uniform(0.1, 0.5, 30)  # far more spread than binomial noise
    num = rng.binomial(n, true)
    p0 = num.sum() / n.sum()
    phi = overdispersion(num / n, n, p0)
    assert phi == pytest.approx(reference_phi(list(num / n), list(n), p0))
    assert phi > 3
    result = funnel(num, n)
    assert result.adjusted and result.phi == pytest.approx(phi)
    widened = result.teams["upper95"].to_numpy()
    expected = p0 + LEVELS["95"] * np.sqrt(phi * p0 * (1 - p0) / n)
    assert widened == pytest.approx(np.minimum(expected, 1))
    assert "over-dispersion" in result.limits_name


def test_no_adjustment_for_few_teams_or_when_asked_not_to():
    rng = np.random.default_rng(3)
    n = rng.integers(50, 400, 8)
    num = rng.binomial(n, rng.uniform(0.1, 0.5, 8))
    assert not funnel(num, n).adjusted  # auto: fewer than 10 teams
    assert funnel(num, n, overdispersed=True).adjusted
    big_n = np.full(20, 200)
    assert not funnel(rng.binomial(big_n, 0.4), big_n, overdispersed=False).adjusted


def test_binomial_data_without_excess_variation_is_not_widened():
    n = np.full(40, 300)
    num = np.random.default_rng(11).binomial(n, 0.3)
    result = funnel(num, n)
    # phi near 1; with winsorising it is typically below 1, and the model never narrows
    assert result.phi < 1.5
    assert result.adjusted == (result.phi > 1)


def test_outside_labels_and_multiply():
    result = funnel([1, 60, 30], [100, 100, 100], ["low", "high", "mid"], multiply=100)
    table = result.teams.set_index("team")
    assert table.loc["low", "outside"] == "below 99.8%"
    assert table.loc["high", "outside"] == "above 99.8%"
    assert table.loc["mid", "outside"] == ""
    assert result.target == pytest.approx(91 / 3)
    assert table.loc["high", "rate"] == pytest.approx(60)


def test_rates_use_poisson_and_exposure():
    result = funnel([3, 12, 1], [1500, 2600, 400], kind="rate", multiply=1000)
    assert result.target == pytest.approx(16 / 4500 * 1000)
    assert result.teams["lower95"].min() >= 0
    assert "Poisson" in result.limits_name


def test_missing_denominator_is_reported_not_drawn():
    result = funnel([3, 0], [30, 0], ["a", "b"])
    assert np.isnan(result.teams.loc[1, "rate"])
    assert "no denominator" in result.messages[0]


@pytest.mark.parametrize(
    "num,den,kwargs,message",
    [
        ([3], [1, 2], {}, "numerators"),
        ([5], [3], {}, "larger than its denominator"),
        ([-1], [3], {}, "negative"),
        ([0], [0], {}, "No team"),
        ([1], [3], {"kind": "mean"}, "proportions or rates"),
    ],
)
def test_bad_input_is_explained(num, den, kwargs, message):
    with pytest.raises(KitInputError, match=message):
        funnel(num, den, **kwargs)


def test_funnel_for_period_sums_the_chosen_months():
    frame = pd.DataFrame(
        {
            "team": ["a", "a", "b", "b"],
            "period": pd.to_datetime(["2026-01-01", "2026-02-01"] * 2),
            "numerator": [1, 2, 3, 4],
            "denominator": [10, 20, 30, 40],
        }
    )
    one = funnel_for_period(frame, "2026-02-01")
    assert list(one.teams["numerator"]) == [2, 4]
    both = funnel_for_period(frame, ["2026-01-01", "2026-02-01"])
    assert list(both.teams["denominator"]) == [30, 70]
    with pytest.raises(KitInputError, match="chosen period"):
        funnel_for_period(frame, "2025-01-01")


def test_a_given_target_is_in_display_units():
    result = funnel([10, 20], [100, 100], multiply=100, target=25)
    assert result.target == pytest.approx(25)
    assert result.teams["upper95"].iloc[0] == pytest.approx(
        100 * exact_limits(0.25, [100], "95")[1][0]
    )
