"""Centre line, limits and sigma of each chart type: one small function per chart.

Each function reads one :class:`ChartInput` (all series and phases at once, as flat arrays)
and returns a typed :class:`Limits` record, so no per-point Python loop and no dict of string
keys. :data:`LIMITS` maps a chart code to its function; ``kit/spc/engine.py`` dispatches on
it. Each docstring names the book or paper its formulas come from; the worked examples that
check them are in ``tests/spc/reference_cases.json``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kit.spc.constants import D2, D4, a3, b3_b4, c4
from kit.spc.grouping import Groups
from kit.spc.options import Options

#: Nelson's power for times between rare events: y^(1/3.6) is close to normal (Nelson 1994).
T_POWER = 3.6


@dataclass(frozen=True)
class ChartInput:
    """What every limits function reads: values per point, grouped by phase of a series.

    ``y`` is the plotted value (a proportion or rate for ratio charts), ``den`` the
    denominator or subgroup size, ``numerator`` the ratio charts' numerators and ``sd`` the
    subgroup standard deviations (Xbar and S). ``valid`` marks usable points and ``base``
    those that form the baseline (not excluded, inside the frozen part).
    """

    groups: Groups
    y: np.ndarray
    den: np.ndarray
    numerator: np.ndarray
    sd: np.ndarray
    valid: np.ndarray
    base: np.ndarray
    options: Options
    #: points the caller excluded (``mr_across_excluded`` joins the moving range across them)
    excluded: np.ndarray | None = None


@dataclass(frozen=True)
class Limits:
    """Per-point lines of one chart, and per-group flags about its variation.

    ``centre``, ``lower`` and ``upper`` are on the display scale. ``values`` are the values
    on the analysis scale (the transformed times of a T chart, the values otherwise);
    ``runs_centre`` is the line runs are counted against and ``zone_centre`` with ``sigma``
    define the one- and two-sigma zones, both on the analysis scale. ``lower_analysis`` and
    ``upper_analysis`` are the limits on the analysis scale where it differs (T chart).
    Per group: ``no_variation`` (the baseline has no variation) and ``too_few`` (no limits
    can be estimated).
    """

    centre: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    sigma: np.ndarray
    values: np.ndarray
    runs_centre: np.ndarray
    zone_centre: np.ndarray
    no_variation: np.ndarray
    too_few: np.ndarray
    lower_analysis: np.ndarray | None = None
    upper_analysis: np.ndarray | None = None


def _symmetric(
    d: ChartInput, centre_g: np.ndarray, sigma: np.ndarray, *, floor: float | None = None
) -> Limits:
    """Centre +/- 3 sigma, optionally floored (counts cannot go below zero)."""
    cl = centre_g[d.groups.g]
    lower = cl - 3 * sigma
    return Limits(
        centre=cl,
        lower=lower if floor is None else np.maximum(floor, lower),
        upper=cl + 3 * sigma,
        sigma=sigma,
        values=d.y,
        runs_centre=cl,
        zone_centre=cl,
        no_variation=centre_g == 0,
        too_few=~np.isfinite(centre_g),
    )


def _xmr_sigma(d: ChartInput, values: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Sigma per group from the average moving range: MRbar / d2, or MRbar * factor / 3."""
    skip = d.excluded if d.options.mr_across_excluded else None
    mrbar = d.groups.mrbar(values, ok, d.options.screened_mr, skip=skip)
    factor = d.options.xmr_factor
    return mrbar * (factor / 3.0) if factor else mrbar / D2


def run_limits(d: ChartInput) -> Limits:
    """Run chart: the median of the baseline, no limits.

    Perla, Provost & Murray, "The run chart", BMJ Qual Saf 2011;20:46-51; Anhøj & Olesen,
    PLOS ONE 2014;9(11):e113825 (runs are read against the median).
    """
    cl = d.groups.median(d.y, d.base)[d.groups.g]
    nan = np.full(d.y.size, np.nan)
    none = np.zeros(d.groups.n, bool)
    return Limits(cl, nan, nan, nan, d.y, cl, cl, none, none)


def i_limits(d: ChartInput) -> Limits:
    """I chart (XmR): mean +/- 3 MRbar / d2, d2 = 1.128, with Nelson's screened moving ranges.

    Montgomery, Introduction to Statistical Quality Control, section 6.4 (Example 6.5);
    Provost & Murray, The Health Care Data Guide (2011), chapter 7; Nelson, J Qual Technol
    1982;14:172 (screening). ``xmr_factor=2.66`` gives Wheeler's mean +/- 2.66 MRbar used by
    NHS Making Data Count.
    """
    g = d.groups.g
    cl_g = d.groups.mean(d.y, d.base)
    sig_g = _xmr_sigma(d, d.y, d.base)
    cl, sig = cl_g[g], sig_g[g]
    upper, lower = cl + 3 * sig, cl - 3 * sig
    return Limits(
        centre=cl,
        lower=lower,
        upper=upper,
        sigma=sig,
        values=d.y,
        runs_centre=cl,
        zone_centre=cl,
        no_variation=sig_g == 0,
        too_few=~np.isfinite(sig_g),
        lower_analysis=lower,
        upper_analysis=upper,
    )


def t_limits(d: ChartInput) -> Limits:
    """T chart: an I chart of the times between events raised to 1/3.6, drawn back-transformed.

    Nelson, "A control chart for parts-per-million nonconforming items", J Qual Technol
    1994;26:239-240; Provost & Murray, The Health Care Data Guide (2011), chapter 9. A lower
    limit below zero on the transformed scale is drawn at 0 (as qicharts2 does).
    """
    g = d.groups.g
    v = np.where(d.valid, d.y, np.nan) ** (1.0 / T_POWER)
    cl_g = d.groups.mean(v, d.base)
    sig_g = _xmr_sigma(d, v, d.base)
    cl_a, sig = cl_g[g], sig_g[g]
    upper_a, lower_a = cl_a + 3 * sig, cl_a - 3 * sig
    with np.errstate(invalid="ignore"):
        cl, upper = cl_a**T_POWER, upper_a**T_POWER
        lower = np.where(lower_a < 0, 0.0, np.abs(lower_a) ** T_POWER)
    return Limits(
        centre=cl,
        lower=lower,
        upper=upper,
        sigma=sig,
        values=v,
        runs_centre=cl_a,
        zone_centre=cl_a,
        no_variation=sig_g == 0,
        too_few=~np.isfinite(sig_g),
        lower_analysis=lower_a,
        upper_analysis=upper_a,
    )


def mr_limits(d: ChartInput) -> Limits:
    """MR chart: centre MRbar, upper limit D4 * MRbar (D4 = 3.267), lower limit 0.

    Montgomery, Introduction to Statistical Quality Control, section 6.4; the values are
    the moving ranges themselves (``kit/spc/engine.py`` turns the data into them).
    """
    cl_g = d.groups.mean(d.y, d.base)
    cl = cl_g[d.groups.g]
    return Limits(
        centre=cl,
        lower=np.where(np.isfinite(cl), 0.0, np.nan),
        upper=D4 * cl,
        sigma=cl * (D4 - 1) / 3,
        values=d.y,
        runs_centre=cl,
        zone_centre=cl,
        no_variation=cl_g == 0,
        too_few=~np.isfinite(cl_g),
    )


def c_limits(d: ChartInput) -> Limits:
    """C chart: mean count +/- 3 sqrt(mean), lower limit floored at 0 (Poisson model).

    Montgomery, Introduction to Statistical Quality Control, section 7.3 (Example 7.3);
    Provost & Murray, The Health Care Data Guide (2011), chapter 6.
    """
    cl_g = d.groups.mean(d.y, d.base)
    return _symmetric(d, cl_g, np.sqrt(cl_g[d.groups.g]), floor=0.0)


def g_limits(d: ChartInput) -> Limits:
    """G chart: median line for runs; upper limit mean + 3 sqrt(mean (mean + 1)), lower 0.

    Benneyan, "Number-between g-type statistical quality control charts for monitoring
    adverse events", Health Care Manag Sci 2001;4:305-318 (geometric model); Provost &
    Murray, The Health Care Data Guide (2011), chapter 9 (the median as centre line).
    """
    g = d.groups.g
    med = d.groups.median(d.y, d.base)[g]
    mean_g = d.groups.mean(d.y, d.base)
    m = mean_g[g]
    sig = np.sqrt(m * (m + 1))
    return Limits(
        centre=med,
        lower=np.where(np.isfinite(m), 0.0, np.nan),
        upper=m + 3 * sig,
        sigma=sig,
        values=d.y,
        runs_centre=med,
        zone_centre=m,
        no_variation=mean_g == 0,
        too_few=~np.isfinite(mean_g),
    )


def _ratio(d: ChartInput, *, proportion: bool, laney: bool) -> Limits:
    """P, P', U and U' charts share the pooled centre line and the per-point sigma."""
    G, g = d.groups, d.groups.g
    num = np.where(d.valid, d.numerator, 0.0)
    dsum = G.sum(d.den, d.base)
    cl_g = G.sum(num, d.base) / np.where(dsum > 0, dsum, np.nan)
    cl = cl_g[g]
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = cl * (1 - cl) if proportion else cl
        sig = np.sqrt(unit / np.where(d.valid, d.den, np.nan))
    no_variation = (cl_g == 0) | ((cl_g == 1) & proportion)
    too_few = ~np.isfinite(cl_g)
    if laney:
        with np.errstate(invalid="ignore", divide="ignore"):
            z = (d.y - cl) / sig
        zok = d.base & np.isfinite(z)
        sz = _xmr_sigma(d, np.where(zok, z, 0.0), zok)
        # Where p is 0 or 1 (or u is 0) there is no variation at all: keep sigma 0.
        sig = np.where(no_variation[g], np.where(np.isfinite(sig), 0.0, np.nan), sig * sz[g])
        no_variation = no_variation | (sz == 0)
        too_few = too_few | (~np.isfinite(sz) & ~no_variation)
    upper = cl + 3 * sig
    return Limits(
        centre=cl,
        lower=np.maximum(0.0, cl - 3 * sig),
        upper=np.minimum(1.0, upper) if proportion else upper,
        sigma=sig,
        values=d.y,
        runs_centre=cl,
        zone_centre=cl,
        no_variation=no_variation,
        too_few=too_few,
    )


def p_limits(d: ChartInput) -> Limits:
    """P chart: p-bar = sum(numerators) / sum(denominators); p-bar +/- 3 sqrt(p-bar(1-p-bar)/n).

    Montgomery, Introduction to Statistical Quality Control, section 7.2 (Example 7.1 and
    Table 7.4 for varying n); Provost & Murray, The Health Care Data Guide (2011), chapter 6.
    Lower limit floored at 0, upper capped at 1.
    """
    return _ratio(d, proportion=True, laney=False)


def pp_limits(d: ChartInput) -> Limits:
    """P' chart: the P chart's sigma times sigma_z, the moving-range sigma of the z-scores.

    Laney, "Improved control charts for attributes", Quality Engineering 2002;14(4):531-537.
    Corrects the too-narrow limits of P charts with very large denominators (over-dispersion).
    """
    return _ratio(d, proportion=True, laney=True)


def u_limits(d: ChartInput) -> Limits:
    """U chart: u-bar = sum(counts) / sum(exposure); u-bar +/- 3 sqrt(u-bar / n), floored at 0.

    Montgomery, Introduction to Statistical Quality Control, section 7.3; Provost & Murray,
    The Health Care Data Guide (2011), chapter 6.
    """
    return _ratio(d, proportion=False, laney=False)


def up_limits(d: ChartInput) -> Limits:
    """U' chart: the U chart's sigma times sigma_z (Laney 2002, as for P')."""
    return _ratio(d, proportion=False, laney=True)


def _sbar(d: ChartInput) -> np.ndarray:
    """s-bar per group: the mean s for equal subgroups, the pooled s for unequal ones.

    Montgomery, Introduction to Statistical Quality Control, section 6.3 (equations 6.31 for
    variable sample size).
    """
    G, g, den, sd = d.groups, d.groups.g, d.den, d.sd
    sok = d.base & np.isfinite(sd) & (den >= 2)
    cnt = G.count(sok)
    nmin = np.full(G.n, np.inf)
    nmax = np.full(G.n, -np.inf)
    np.minimum.at(nmin, g[sok], den[sok])
    np.maximum.at(nmax, g[sok], den[sok])
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = np.sqrt(G.sum((den - 1) * sd**2, sok) / G.sum(den - 1, sok))
    return np.where(cnt > 0, np.where(nmin == nmax, G.mean(sd, sok), pooled), np.nan)


def xbar_limits(d: ChartInput) -> Limits:
    """Xbar chart with s-based limits: grand mean +/- A3(n) s-bar, A3 = 3 / (c4 sqrt(n)).

    Montgomery, Introduction to Statistical Quality Control, section 6.3 (Example 6.3);
    constants computed exactly in ``kit/spc/constants.py``.
    """
    G, g = d.groups, d.groups.g
    sbar_g = _sbar(d)
    dsum = G.sum(d.den, d.base)
    cl = (G.sum(d.y * d.den, d.base) / np.where(dsum > 0, dsum, np.nan))[g]
    with np.errstate(invalid="ignore"):
        sig = a3(d.den) * sbar_g[g] / 3
    return Limits(
        centre=cl,
        lower=cl - 3 * sig,
        upper=cl + 3 * sig,
        sigma=sig,
        values=d.y,
        runs_centre=cl,
        zone_centre=cl,
        no_variation=sbar_g == 0,
        too_few=~np.isfinite(sbar_g),
    )


def s_limits(d: ChartInput) -> Limits:
    """S chart: centre s-bar, limits B3(n) s-bar and B4(n) s-bar.

    Montgomery, Introduction to Statistical Quality Control, section 6.3 (Example 6.3).
    """
    sbar_g = _sbar(d)
    sbar = sbar_g[d.groups.g]
    b3, b4 = b3_b4(d.den)
    c = c4(d.den)
    with np.errstate(invalid="ignore", divide="ignore"):
        sig = sbar * np.sqrt(1 - c**2) / c
    return Limits(
        centre=sbar,
        lower=b3 * sbar,
        upper=b4 * sbar,
        sigma=sig,
        values=d.y,
        runs_centre=sbar,
        zone_centre=sbar,
        no_variation=sbar_g == 0,
        too_few=~np.isfinite(sbar_g),
    )


#: One limits function per chart code (see ``kit/spc/options.py`` for the codes).
LIMITS: dict[str, Callable[[ChartInput], Limits]] = {
    "run": run_limits,
    "i": i_limits,
    "mr": mr_limits,
    "xbar": xbar_limits,
    "s": s_limits,
    "p": p_limits,
    "pp": pp_limits,
    "u": u_limits,
    "up": up_limits,
    "c": c_limits,
    "g": g_limits,
    "t": t_limits,
}
