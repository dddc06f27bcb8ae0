"""Funnel plots: comparing teams' rates for one period without reading noise as failure.

Each team's rate is plotted against its denominator, with the pooled rate of all teams as the
target and control limits that narrow as the denominator grows (Spiegelhalter, "Funnel plots
for comparing institutional performance", Statistics in Medicine 2005;24:1185-1202; below
"the paper"). A small team's rate wanders far from the target by chance alone; the funnel shows
how far is still chance.

- **Normal approximation** (the paper, section 3): target ``p0`` plus or minus
  ``z * sqrt(V(p0) / n)``, with ``V(p) = p(1 - p)`` for a proportion and ``V(p) = p`` for a
  rate (Poisson counts over an exposure), ``z`` = 1.96 for 95% and 3.09 for 99.8% limits
  (the normal quantiles of 0.975 and 0.999; :data:`LEVELS`).
- **Exact limits** (the paper, appendix A.1): the ``P``-quantile ``r_P`` of the count, the
  smallest ``r`` with ``F(r) >= P`` under Binomial(n, p0) or Poisson(n * p0), interpolated so
  the limits are smooth in ``n``: ``alpha = (F(r_P) - P) / (F(r_P) - F(r_P - 1))`` and the
  limit is ``(r_P - alpha) / n``. This is the default: with a few dozen cases a month the
  normal approximation's lower limit drops below zero and its upper limit is too tight.
- **Over-dispersion** (the paper, section 6.2: the *multiplicative* model): with many teams the
  rates vary more than chance allows, and almost every team falls outside the limits. The
  z-scores ``z_i = (y_i - p0) / sqrt(V(p0) / n_i)`` (Pearson residuals on the rate's own
  scale, not the square-root scale some implementations use) are winsorised at their 10th and
  90th percentiles (numpy's linear interpolation), ``phi = mean(z_w ** 2)``, and when
  ``phi > 1`` the normal-approximation limits widen to ``p0 +/- z * sqrt(phi * V(p0) / n)``.
  ``phi <= 1`` leaves the limits alone: the model never narrows them. The additive
  (random-effects, DerSimonian-Laird tau^2) variant of section 6.3 is not offered.

All teams are computed together in arrays: a Python call per team happens only for the log
gamma function that starts each team's exact distribution.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
import pandas as pd

from kit.errors import KitInputError

__all__ = [
    "LEVELS",
    "FunnelResult",
    "exact_limits",
    "funnel",
    "funnel_for_period",
    "normal_limits",
    "overdispersion",
]

Kind = Literal["proportion", "rate"]
Method = Literal["exact", "normal"]

#: the two pairs of limits the paper draws: coverage -> the normal quantile of its upper tail
LEVELS: dict[str, float] = {
    "95": NormalDist().inv_cdf(0.975),  # 1.96
    "99.8": NormalDist().inv_cdf(0.999),  # 3.09
}
#: share winsorised at each end before phi is estimated (the paper, section 6.2)
WINSOR = 0.10
#: how far (in standard deviations) the exact distribution is summed each side of its mean
_SPAN_SD = 9.0


def _variance(p0: float, kind: Kind) -> float:
    return p0 * (1 - p0) if kind == "proportion" else p0


def normal_limits(
    p0: float, n: Any, z: float, *, kind: Kind = "proportion", phi: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """``p0 -/+ z * sqrt(phi * V(p0) / n)``, cut at 0 (and at 1 for a proportion)."""
    den = np.asarray(n, dtype=float)
    half = z * np.sqrt(max(phi, 1.0) * _variance(p0, kind) / den)
    lower = np.maximum(p0 - half, 0.0)
    upper = p0 + half
    if kind == "proportion":
        upper = np.minimum(upper, 1.0)
    return lower, upper


def _log_pmf_start(lo: np.ndarray, n: np.ndarray, p0: float, kind: Kind) -> np.ndarray:
    """log P(R = lo) for each team: the first term of its summed window."""
    lgamma = np.frompyfunc(math.lgamma, 1, 1)
    if kind == "proportion":
        log_comb = (
            lgamma(n + 1).astype(float)
            - lgamma(lo + 1).astype(float)
            - lgamma(n - lo + 1).astype(float)
        )
        with np.errstate(divide="ignore"):
            return log_comb + lo * np.log(p0) + (n - lo) * np.log1p(-p0)
    mu = n * p0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(lo > 0, lo * np.log(mu), 0.0) - mu - lgamma(lo + 1).astype(float)


def _quantile_counts(
    n: np.ndarray, p0: float, probs: Sequence[float], kind: Kind
) -> list[np.ndarray]:
    """For each probability P, the interpolated count ``r_P - alpha`` of every team (A.1)."""
    mu = n * p0
    sd = np.sqrt(np.maximum(mu * (1 - p0) if kind == "proportion" else mu, 1e-12))
    lo = np.maximum(np.floor(mu - _SPAN_SD * sd - 5), 0.0)
    hi = np.ceil(mu + _SPAN_SD * sd + 5)
    if kind == "proportion":
        hi = np.minimum(hi, n)
    width = int(np.max(hi - lo)) + 1 if n.size else 1
    k = lo[:, None] + np.arange(width)[None, :]
    valid = k <= hi[:, None]
    # ratio P(R = k + 1) / P(R = k), so each row is one cumulative sum in log space
    if kind == "proportion":
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.log((n[:, None] - k) / (k + 1)) + math.log(p0 / (1 - p0))
    else:
        with np.errstate(divide="ignore"):
            step = np.log(mu[:, None] / (k + 1))
    step = np.where(valid, step, -np.inf)
    log_pmf = _log_pmf_start(lo, n, p0, kind)[:, None] + np.concatenate(
        [np.zeros((n.size, 1)), np.cumsum(step[:, :-1], axis=1)], axis=1
    )
    pmf = np.where(valid, np.exp(log_pmf), 0.0)
    cdf = np.cumsum(pmf, axis=1)
    cdf[~valid] = 1.0  # past the window the distribution is (to 1e-15) exhausted
    rows = np.arange(n.size)
    out = []
    for prob in probs:
        idx = np.argmax(cdf >= prob - 1e-14, axis=1)
        f_r = cdf[rows, idx]
        p_r = pmf[rows, idx]
        alpha = np.where(p_r > 0, (f_r - prob) / np.where(p_r > 0, p_r, 1.0), 0.0)
        out.append(k[rows, idx] - alpha)
    return out


def exact_limits(
    p0: float, n: Any, coverage: str, *, kind: Kind = "proportion"
) -> tuple[np.ndarray, np.ndarray]:
    """Exact binomial (proportion) or Poisson (rate) limits, interpolated as in the paper.

    ``coverage`` is a key of :data:`LEVELS` ("95" or "99.8"); the tails are
    ``Phi(-z)`` and ``Phi(z)`` of its normal quantile, so exact and normal limits cover alike.
    Binomial denominators are rounded to whole cases.
    """
    den = np.atleast_1d(np.asarray(n, dtype=float))
    if kind == "proportion":
        den = np.round(den)
    z = LEVELS[coverage]
    tail = NormalDist().cdf(-z)
    lower, upper = np.full(den.size, np.nan), np.full(den.size, np.nan)
    ok = den > 0
    if ok.any() and 0 < p0 < (1 if kind == "proportion" else math.inf):
        low_count, high_count = _quantile_counts(den[ok], p0, (tail, 1 - tail), kind)
        lower[ok] = np.maximum(low_count / den[ok], 0.0)
        upper[ok] = high_count / den[ok]
        if kind == "proportion":
            upper = np.minimum(upper, 1.0)
    elif ok.any():  # a target of 0 (or 1): every count is certain, the limits collapse
        lower[ok] = p0
        upper[ok] = p0
    return lower, upper


def overdispersion(y: Any, n: Any, p0: float, *, kind: Kind = "proportion") -> float:
    """The multiplicative over-dispersion factor phi from 10%-winsorised z-scores.

    Returns 1.0 when it cannot be estimated (fewer than two teams, or no variance at the
    target). ``phi`` is the mean square of the winsorised z-scores, the paper's estimate.
    """
    rate = np.asarray(y, dtype=float)
    den = np.asarray(n, dtype=float)
    var = _variance(p0, kind)
    use = np.isfinite(rate) & (den > 0)
    if use.sum() < 2 or var <= 0:
        return 1.0
    z = (rate[use] - p0) / np.sqrt(var / den[use])
    low, high = np.quantile(z, [WINSOR, 1 - WINSOR])
    return float(np.mean(np.clip(z, low, high) ** 2))


@dataclass(frozen=True)
class FunnelResult:
    """What :func:`funnel` returns.

    ``teams`` has one row per team: ``team``, ``numerator``, ``denominator``, ``rate`` (as
    drawn, multiplied), ``z`` (the Pearson z-score), the limits at the team's denominator
    (``lower95``, ``upper95``, ``lower998``, ``upper998``, multiplied), and ``outside``:
    "above 99.8%", "above 95%", "below 95%", "below 99.8%" or "" (within the 95% limits).
    ``curve`` holds the same four limits over a grid of denominators, for drawing the funnel.
    ``target`` is the pooled rate (multiplied). ``phi`` is the over-dispersion factor
    estimated from the data and ``adjusted`` whether the limits were widened by it.
    """

    teams: pd.DataFrame
    curve: pd.DataFrame
    target: float
    kind: Kind
    method: Method
    phi: float
    adjusted: bool
    multiply: float = 1.0
    messages: list[str] = field(default_factory=list)

    @property
    def limits_name(self) -> str:
        """The limits in words, for the chart's subtitle."""
        base = (
            "exact binomial"
            if self.kind == "proportion" and self.method == "exact"
            else "exact Poisson"
            if self.method == "exact"
            else "normal approximation"
        )
        if self.adjusted:
            base = f"normal approximation widened for over-dispersion (phi = {self.phi:.2f})"
        return f"95% and 99.8% limits, {base}"


def _limits_at(
    p0: float, den: np.ndarray, kind: Kind, method: Method, phi: float, adjusted: bool
) -> dict[str, np.ndarray]:
    cols: dict[str, np.ndarray] = {}
    for coverage, suffix in (("95", "95"), ("99.8", "998")):
        if adjusted or method == "normal":
            lower, upper = normal_limits(
                p0, den, LEVELS[coverage], kind=kind, phi=phi if adjusted else 1.0
            )
        else:
            lower, upper = exact_limits(p0, den, coverage, kind=kind)
        cols[f"lower{suffix}"] = np.asarray(lower, dtype=float)
        cols[f"upper{suffix}"] = np.asarray(upper, dtype=float)
    return cols


def _grid(den: np.ndarray, points: int) -> np.ndarray:
    low = max(float(den.min()) * 0.8, 1.0)
    high = max(float(den.max()) * 1.1, low + 1)
    return np.unique(np.round(np.geomspace(low, high, points), 2))


def funnel(
    numerators: Any,
    denominators: Any,
    teams: Sequence[Any] | None = None,
    *,
    kind: Kind = "proportion",
    method: Method = "exact",
    overdispersed: bool | Literal["auto"] = "auto",
    target: float | None = None,
    multiply: float = 1.0,
    grid_points: int = 120,
) -> FunnelResult:
    """Compare teams' rates for one period in a funnel plot.

    ``numerators`` are events (cases meeting the measure, or incidents), ``denominators`` the
    cases or the exposure (line-days, patient-days). ``kind`` is "proportion" (binomial) or
    "rate" (Poisson). ``target`` defaults to the pooled rate, sum of numerators over sum of
    denominators; a given target is in display units (already multiplied). ``overdispersed``:
    ``"auto"`` widens the limits when phi > 1 and there are at least 10 teams (the kit's
    choice, not the paper's: with a handful of teams phi rests on too few z-scores);
    ``True`` whenever phi > 1; ``False`` never. ``multiply`` scales rates and limits for display (100 for a percentage,
    1,000 for per 1,000 line-days).
    """
    if kind not in ("proportion", "rate"):
        raise KitInputError(f"A funnel plot compares proportions or rates, not {kind!r}.")
    if method not in ("exact", "normal"):
        raise KitInputError(f"The limits are 'exact' or 'normal', not {method!r}.")
    num = np.atleast_1d(np.asarray(numerators, dtype=float))
    den = np.atleast_1d(np.asarray(denominators, dtype=float))
    if num.shape != den.shape:
        raise KitInputError(
            f"There are {num.size} numerators but {den.size} denominators: give one of each "
            "per team."
        )
    names = list(range(num.size)) if teams is None else list(teams)
    if len(names) != num.size:
        raise KitInputError(f"There are {len(names)} team names for {num.size} teams.")
    if np.any(num < 0) or np.any(den < 0):
        raise KitInputError("Numerators and denominators cannot be negative.")
    if kind == "proportion" and np.any(num > den):
        raise KitInputError("A team's numerator is larger than its denominator.")
    use = np.isfinite(num) & np.isfinite(den) & (den > 0)
    messages = []
    if (~use).any():
        messages.append(
            f"{int((~use).sum())} team(s) have no denominator for this period and are not drawn."
        )
    if not use.any():
        raise KitInputError("No team has data with a denominator for this period.")
    p0 = float(num[use].sum() / den[use].sum()) if target is None else float(target) / multiply
    rate = np.where(use, num / np.where(use, den, 1.0), np.nan)
    phi = overdispersion(rate[use], den[use], p0, kind=kind)
    wanted = overdispersed is True or (overdispersed == "auto" and int(use.sum()) >= 10)
    adjusted = bool(wanted and phi > 1.0)
    if adjusted:
        messages.append(
            f"The teams vary more than chance alone allows (phi = {phi:.2f}), so the limits are "
            "widened for over-dispersion (Spiegelhalter 2005, multiplicative model)."
        )
    var = _variance(p0, kind)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(use & (var > 0), (rate - p0) / np.sqrt(var / den), np.nan)
    at_team = _limits_at(p0, np.where(use, den, 1.0), kind, method, phi, adjusted)
    outside = np.full(num.size, "", dtype=object)
    outside[rate > at_team["upper95"]] = "above 95%"
    outside[rate > at_team["upper998"]] = "above 99.8%"
    outside[rate < at_team["lower95"]] = "below 95%"
    outside[rate < at_team["lower998"]] = "below 99.8%"
    outside[~use] = ""
    table = pd.DataFrame(
        {
            "team": names,
            "numerator": num,
            "denominator": den,
            "rate": rate * multiply,
            "z": z,
            **{k: np.where(use, v * multiply, np.nan) for k, v in at_team.items()},
            "outside": outside,
        }
    )
    grid = _grid(den[use], grid_points)
    curve = pd.DataFrame(
        {
            "denominator": grid,
            **{
                k: v * multiply
                for k, v in _limits_at(p0, grid, kind, method, phi, adjusted).items()
            },
        }
    )
    return FunnelResult(
        teams=table,
        curve=curve,
        target=p0 * multiply,
        kind=kind,
        method=method,
        phi=phi,
        adjusted=adjusted,
        multiply=float(multiply),
        messages=messages,
    )


def funnel_for_period(
    frame: pd.DataFrame,
    periods: Any,
    *,
    by: str = "team",
    x: str = "period",
    y: str = "numerator",
    n: str = "denominator",
    **options: Any,
) -> FunnelResult:
    """A funnel of long data (one row per team and period) for a chosen period or periods.

    ``periods`` is one period or a list of them (for example the last three months): each
    team's numerators and denominators are summed over them before comparing. Other keywords
    go to :func:`funnel`.
    """
    for col in (by, x, y, n):
        if col not in frame.columns:
            raise KitInputError(
                f"The data has no column {col!r}; its columns are {list(frame.columns)}."
            )
    wanted = [periods] if not isinstance(periods, list | tuple | set | pd.Index) else periods
    stamps = pd.to_datetime(pd.Series(list(wanted)))
    rows = frame[pd.to_datetime(frame[x]).isin(stamps)]
    if rows.empty:
        raise KitInputError("No team has data for the chosen period.")
    sums = rows.groupby(by, sort=False)[[y, n]].sum(min_count=1)
    return funnel(sums[y].to_numpy(), sums[n].to_numpy(), list(sums.index), **options)
