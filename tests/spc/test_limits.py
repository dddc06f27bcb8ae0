"""Critical values: Anhøj's rules and the IHI runs test (Swed-Eisenhart).

``runs_limits`` is checked three ways: by enumerating every arrangement of points above and
below the median for small n; against the classic Swed & Eisenhart (Ann Math Stat 1943)
two-sided 5% critical values for equal groups (Perla et al. 2011's Table 1 is built from the
same distribution); and for consistency of its tails for long series.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from kit.errors import KitInputError
from kit.spc import analyze, anhoej_limits, runs_limits
from kit.spc.limits import anhoej_limits_array, runs_limits_array


def enumerate_runs(n: int) -> dict[int, int]:
    n1 = n // 2
    counts: dict[int, int] = {}
    for above in itertools.combinations(range(n), n1):
        seq = [1 if i in above else 0 for i in range(n)]
        r = 1 + sum(seq[i] != seq[i - 1] for i in range(1, n))
        counts[r] = counts.get(r, 0) + 1
    return counts


@pytest.mark.parametrize("n", range(2, 17))
def test_runs_limits_match_exhaustive_enumeration(n):
    counts = enumerate_runs(n)
    total = sum(counts.values())
    lower, upper = runs_limits(n)
    p_few = sum(c for r, c in counts.items() if r < lower) / total
    p_many = sum(c for r, c in counts.items() if r > upper) / total
    assert p_few <= 0.025 and p_many <= 0.025
    # and the limits are the tightest ones with that property
    assert sum(c for r, c in counts.items() if r <= lower) / total > 0.025
    assert sum(c for r, c in counts.items() if r >= upper) / total > 0.025


@pytest.mark.parametrize(
    "n_useful,critical_low,critical_high",
    [
        # Swed & Eisenhart 1943, two-sided 5%, equal groups n1 = n2 = n_useful / 2:
        # too few when R <= critical_low, too many when R >= critical_high.
        (10, 2, 10),
        (16, 4, 14),
        (20, 6, 16),
        (24, 7, 19),
        (30, 10, 22),
    ],
)
def test_runs_limits_match_swed_eisenhart_table(n_useful, critical_low, critical_high):
    assert runs_limits(n_useful) == (critical_low + 1, critical_high - 1)


def test_runs_limits_long_series_are_symmetric_about_the_mean():
    for n in (2000, 10_000):
        lo, hi = runs_limits(n)
        mean = 1 + n / 2
        assert abs((mean - lo) - (hi - mean)) <= 2
        sd = math.sqrt(n * (n - 2) / (4 * (n - 1)))
        assert abs((mean - lo) / sd - 1.96) < 0.1


@pytest.mark.parametrize("y", [[1, 9], [1, 1, 9, 9, 5], [1, 9, 1, 9, 1, 9, 1, 9, 5]])
def test_runs_test_needs_ten_useful_points(y):
    """Perla et al.'s table starts at 10 useful points; fewer never signal too few/many runs."""
    ph = analyze(y, rules="ihi").phases.iloc[0]
    assert not ph.too_few_runs and not ph.too_many_runs


def test_anhoej_limits_small_and_large():
    assert anhoej_limits(1) == (3, 0)
    assert anhoej_limits(24) == (8, 8)
    run_max, cross_min = anhoej_limits(1_000_000)
    assert run_max == round(math.log2(1_000_000) + 3)
    # normal approximation of the 5% quantile of Binomial(n - 1, 0.5)
    approx = (999_999) / 2 - 1.6449 * math.sqrt(999_999) / 2
    assert abs(cross_min - approx) <= 2


@pytest.mark.parametrize("bad", [0, -3, 2.5, "10", True])
def test_limits_reject_bad_counts(bad):
    with pytest.raises(KitInputError):
        anhoej_limits(bad)
    with pytest.raises(KitInputError):
        runs_limits(bad)


def test_array_versions_give_nan_without_useful_points():
    lr, nc = anhoej_limits_array(np.array([0, 10, 24]))
    assert np.isnan(lr[0]) and np.isnan(nc[0])
    assert (lr[1], nc[1], lr[2], nc[2]) == (6, 2, 8, 8)
    lo, hi = runs_limits_array(np.array([0, 10]))
    assert np.isnan(lo[0]) and (lo[1], hi[1]) == (3, 9)
