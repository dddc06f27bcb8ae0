"""Critical values for runs analysis: Anhøj's rules and the Swed-Eisenhart runs test.

Both are exact. Small tables use integer arithmetic (so the 5% boundaries never
wobble with rounding); very long series switch to log-space sums, which are exact to
floating-point precision and keep a 1,000,000-point phase fast.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

import numpy as np

from kit.errors import KitInputError

_EXACT_UP_TO = 1500


def _check_n(n_useful: int) -> int:
    if isinstance(n_useful, bool) or not isinstance(n_useful, int | np.integer):
        raise KitInputError(
            f"The number of useful points must be a whole number; got {n_useful!r}."
        )
    if n_useful < 1:
        raise KitInputError(
            f"Runs analysis needs at least one useful point (not missing, not excluded, "
            f"not on the centre line); got {n_useful}."
        )
    return int(n_useful)


def _log_comb_row(m: int) -> np.ndarray:
    """log C(m, k) for k = 0..m, by cumulative sums of log ratios (no gamma function needed)."""
    if m == 0:
        return np.zeros(1)
    k = np.arange(1, m + 1, dtype=float)
    return np.concatenate(([0.0], np.cumsum(np.log((m - k + 1) / k))))


@lru_cache(maxsize=4096)
def _qbinom_half(p: float, trials: int) -> int:
    """Smallest x with P(X <= x) >= p for X ~ Binomial(trials, 0.5), like R's qbinom."""
    if trials == 0:
        return 0
    if trials <= _EXACT_UP_TO:
        target = Fraction(str(p)) * 2**trials
        total = 0
        for x in range(trials + 1):
            total += math.comb(trials, x)
            if total >= target:
                return x
        return trials  # pragma: no cover - the loop always returns
    logc = _log_comb_row(trials) - trials * math.log(2.0)
    top = logc.max()
    cdf = np.cumsum(np.exp(logc - top)) * math.exp(top)
    return int(np.searchsorted(cdf, p * (1 - 64 * np.finfo(float).eps), side="left"))


def anhoej_limits(n_useful: int, *, alpha: float = 0.05) -> tuple[int, int]:
    """Critical values of Anhøj's runs rules for ``n_useful`` useful points.

    Anhøj & Olesen, "Run charts revisited", PLOS ONE 2014;9(11):e113825 (and the
    qicharts2 vignette, Appendix 2): a run longer than ``round(log2(n) + 3)`` is
    unusually long; fewer crossings of the centre line than the lower ``alpha`` quantile of
    Binomial(n - 1, 0.5) are unusually few. Either one is the runs signal.

    Returns ``(longest_run_max, n_crossings_min)``: a signal when the longest run is
    greater than the first or the crossings are fewer than the second.
    """
    n = _check_n(n_useful)
    longest_run_max = int(np.round(math.log2(n) + 3))  # numpy rounds half to even, as R does
    return longest_run_max, _qbinom_half(alpha, n - 1)


@lru_cache(maxsize=4096)
def _runs_pmf(n1: int, n2: int) -> tuple[np.ndarray, np.ndarray]:
    """Swed-Eisenhart distribution of the number of runs with n1 and n2 points per side."""
    n = n1 + n2
    r = np.arange(n + 2)
    if n1 == 0 or n2 == 0:
        pmf = np.zeros(n + 2)
        pmf[1 if n else 0] = 1.0
        return r, pmf
    if n <= _EXACT_UP_TO:
        total = math.comb(n, n1)
        probs = []
        for runs in r:
            if runs < 2:
                probs.append(0.0)
                continue
            k = runs // 2
            if runs % 2 == 0:
                ways = 2 * math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k - 1)
            else:
                ways = math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k) + math.comb(
                    n1 - 1, k
                ) * math.comb(n2 - 1, k - 1)
            probs.append(ways / total)
        return r, np.array(probs)
    c1 = _log_comb_row(n1 - 1)
    c2 = _log_comb_row(n2 - 1)
    log_total = float(_log_comb_row(n)[n1])

    def lc(row: np.ndarray, k: np.ndarray) -> np.ndarray:
        out = np.full(k.shape, -np.inf)
        ok = (k >= 0) & (k < row.size)
        out[ok] = row[k[ok]]
        return out

    half = r // 2
    even = 2 * np.exp(lc(c1, half - 1) + lc(c2, half - 1) - log_total)
    odd = np.exp(lc(c1, half - 1) + lc(c2, half) - log_total) + np.exp(
        lc(c1, half) + lc(c2, half - 1) - log_total
    )
    pmf = np.where(r % 2 == 0, even, odd)
    pmf[r < 2] = 0.0
    return r, pmf


def runs_limits(n_useful: int, *, alpha: float = 0.05) -> tuple[int, int]:
    """Limits of the IHI runs test for ``n_useful`` useful points (two-sided ``alpha``).

    Perla, Provost & Murray, "The run chart", BMJ Qual Saf 2011;20:46-51, Table 1, built
    from Swed & Eisenhart (Ann Math Stat 1943) with the useful points split as evenly as
    possible above and below the median. Too few runs when ``n_runs < runs_lower``; too
    many when ``n_runs > runs_upper``; each tail holds at most ``alpha / 2``.
    """
    n = _check_n(n_useful)
    n1 = n // 2
    r, pmf = _runs_pmf(n1, n - n1)
    tail = alpha / 2 + 1e-12
    cdf = np.cumsum(pmf)  # P(R <= r)
    # runs_lower: the largest r with P(R < r) <= tail, i.e. P(R <= r - 1) <= tail.
    lower = int(r[np.flatnonzero(cdf <= tail)].max() + 1) if (cdf <= tail).any() else 0
    sf = 1.0 - np.concatenate(([0.0], cdf[:-1]))  # P(R >= r)
    # runs_upper: the smallest u with P(R > u) = P(R >= u + 1) <= tail.
    upper_candidates = np.flatnonzero(sf <= tail)
    upper = int(r[upper_candidates.min()] - 1) if upper_candidates.size else int(r[-1])
    return lower, min(upper, n)


def anhoej_limits_array(n_useful: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`anhoej_limits`; NaN where there is no useful point."""
    n_useful = np.asarray(n_useful)
    lr = np.full(n_useful.shape, np.nan)
    nc = np.full(n_useful.shape, np.nan)
    for value in np.unique(n_useful[n_useful > 0]):
        a, b = anhoej_limits(int(value))
        hit = n_useful == value
        lr[hit] = a
        nc[hit] = b
    return lr, nc


def runs_limits_array(n_useful: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`runs_limits`; NaN where there is no useful point."""
    n_useful = np.asarray(n_useful)
    lo = np.full(n_useful.shape, np.nan)
    hi = np.full(n_useful.shape, np.nan)
    for value in np.unique(n_useful[n_useful > 0]):
        a, b = _cached_runs_limits(int(value))
        hit = n_useful == value
        lo[hit] = a
        hi[hit] = b
    return lo, hi


@lru_cache(maxsize=4096)
def _cached_runs_limits(n: int) -> tuple[int, int]:
    return runs_limits(n)
