"""The vectorised computation behind :func:`kit.spc.analyze` and :func:`kit.spc.analyze_many`.

All series are handled at once as flat arrays sorted by series and time. A *group* is one
phase of one series; every centre line, limit, moving range and run is computed per group
with bincount / reduceat / cumulative-sum tricks, so there is no Python loop per point or per
series. One code path serves one series and a thousand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kit.spc import rules as R
from kit.spc.constants import D2, D4, a3, b3_b4, c4
from kit.spc.limits import anhoej_limits_array, runs_limits_array

CHARTS = ("run", "i", "mr", "xbar", "s", "p", "pp", "u", "up", "c", "g", "t")
RULE_SETS = ("anhoej", "ihi", "nhs", "western_electric")
RATIO_CHARTS = ("p", "pp", "u", "up")
VARIATIONS = ["common", "improvement", "concern", "special"]
MIN_USEFUL_FOR_RUNS_TEST = 10  # Perla et al. 2011, Table 1 starts at 10 useful points
T_POWER = 3.6  # Nelson's transformation for times between rare events (qicharts2's T chart)


@dataclass
class Options:
    """One validated options object per computation (see ``kit.spc.api._options``)."""

    chart: str = "run"
    rules: str = "anhoej"
    freeze: int | None = None
    screened_mr: bool = True
    xmr_factor: float | None = None
    direction: str | None = None
    multiply: float = 1.0
    thresholds: dict[str, int] = field(default_factory=dict)

    def threshold(self, name: str, default: int) -> int:
        """A rule's length: the rule set's published value unless the caller overrides it."""
        return int(self.thresholds.get(name, default))


@dataclass
class Computed:
    """Per-point and per-group arrays; turned into DataFrames by the API layer."""

    points: dict[str, np.ndarray]
    groups: dict[str, np.ndarray]
    group_of_point: np.ndarray
    messages: list[tuple[int, str]] = field(default_factory=list)


# --------------------------------------------------------------------------- grouped maths


class _Groups:
    """Grouped reductions over contiguous groups (``g`` sorted, every group non-empty)."""

    def __init__(self, g: np.ndarray, n_groups: int, starts: np.ndarray):
        self.g = g
        self.n = n_groups
        self.starts = starts

    def count(self, mask: np.ndarray) -> np.ndarray:
        if not self.n:
            return np.zeros(0, dtype=np.int64)
        return np.add.reduceat(mask.astype(np.int64), self.starts)

    def sum(self, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if not self.n:
            return np.zeros(0)
        with np.errstate(invalid="ignore"):
            return np.add.reduceat(np.where(mask, values, 0.0), self.starts)

    def mean(self, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        cnt = self.count(mask)
        tot = self.sum(values, mask)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)

    def median(self, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        idx = np.flatnonzero(mask)
        keys = self.g[idx]
        vals = values[idx]
        order = np.lexsort((vals, keys))
        sv = vals[order]
        cnt = np.bincount(keys, minlength=self.n)
        start = np.concatenate(([0], np.cumsum(cnt)[:-1]))
        out = np.full(self.n, np.nan)
        has = cnt > 0
        lo = start[has] + (cnt[has] - 1) // 2
        hi = start[has] + cnt[has] // 2
        out[has] = (sv[lo] + sv[hi]) / 2.0
        return out

    def moving_ranges(self, values: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Moving ranges of neighbouring rows of one group that are both ``ok``.

        Returns ``(mr, pair_ok)`` aligned on the later point of each pair; a missing or
        excluded neighbour gives no moving range (it breaks the chain).
        """
        n = values.size
        mr = np.full(n, np.nan)
        pair_ok = np.zeros(n, dtype=bool)
        if n > 1:
            pair_ok[1:] = ok[1:] & ok[:-1] & (self.g[1:] == self.g[:-1])
            mr[1:][pair_ok[1:]] = np.abs(values[1:] - values[:-1])[pair_ok[1:]]
        return mr, pair_ok

    def mrbar(self, values: np.ndarray, ok: np.ndarray, screened: bool) -> np.ndarray:
        """Average moving range per group, with Nelson's one-pass screening if asked.

        Screening drops moving ranges >= D4 * MRbar once and averages the rest (qicharts2's
        default; Nelson 1982). When MRbar is 0 nothing is dropped.
        """
        mr, pair_ok = self.moving_ranges(values, ok)
        bar = self.mean(mr, pair_ok)
        if screened:
            threshold = D4 * bar[self.g]
            keep = pair_ok & ((mr < threshold) | (bar[self.g] == 0))
            bar = self.mean(mr, keep)
        return bar


# --------------------------------------------------------------------------- centre and limits


def _xmr(G: _Groups, v: np.ndarray, base: np.ndarray, opts: Options):
    cl = G.mean(v, base)
    mrbar = G.mrbar(v, base, opts.screened_mr)
    sigma = mrbar * (opts.xmr_factor / 3.0) if opts.xmr_factor else mrbar / D2
    return cl, sigma


def _limits(
    chart: str,
    G: _Groups,
    y: np.ndarray,
    den: np.ndarray,
    sd: np.ndarray,
    valid: np.ndarray,
    base: np.ndarray,
    opts: Options,
) -> dict[str, np.ndarray]:
    """Centre, limits and sigma zones per point for one chart type.

    Returns per-point arrays: ``cl``, ``ucl``, ``lcl`` (display scale), ``v`` (values on the
    analysis scale), ``cl_a`` (centre for runs on the analysis scale), ``zc`` and ``sig``
    (centre and one sigma of the zones, analysis scale), and per-group ``sigma0`` (the phase
    has no variation) and ``no_sigma`` (too few points for limits).
    """
    g = G.g
    nan = np.full(y.size, np.nan)
    v = y
    if chart == "run":
        cl = G.median(y, base)[g]
        return dict(
            cl=cl,
            ucl=nan,
            lcl=nan,
            v=y,
            cl_a=cl,
            zc=cl,
            sig=nan,
            sigma0=np.zeros(G.n, bool),
            no_sigma=np.zeros(G.n, bool),
        )
    if chart in ("i", "t"):
        if chart == "t":
            v = np.where(valid, y, np.nan) ** (1.0 / T_POWER)
        clg, sg = _xmr(G, v, base, opts)
        cl_a, sig = clg[g], sg[g]
        u, lo = cl_a + 3 * sig, cl_a - 3 * sig
        if chart == "t":
            with np.errstate(invalid="ignore"):
                cl, ucl = cl_a**T_POWER, u**T_POWER
                lcl = np.where(lo < 0, 0.0, np.abs(lo) ** T_POWER)
        else:
            cl, ucl, lcl = cl_a, u, lo
        return dict(
            ucl_a=u,
            lcl_a=lo,
            cl=cl,
            ucl=ucl,
            lcl=lcl,
            v=v,
            cl_a=cl_a,
            zc=cl_a,
            sig=sig,
            sigma0=sg == 0,
            no_sigma=~np.isfinite(sg),
        )
    if chart == "mr":
        clg = G.mean(y, base)
        cl = clg[g]
        sig = cl * (D4 - 1) / 3
        return dict(
            cl=cl,
            ucl=D4 * cl,
            lcl=np.where(np.isfinite(cl), 0.0, np.nan),
            v=y,
            cl_a=cl,
            zc=cl,
            sig=sig,
            sigma0=clg == 0,
            no_sigma=~np.isfinite(clg),
        )
    if chart == "c":
        clg = G.mean(y, base)
        cl = clg[g]
        sig = np.sqrt(cl)
        return dict(
            cl=cl,
            ucl=cl + 3 * sig,
            lcl=np.maximum(0.0, cl - 3 * sig),
            v=y,
            cl_a=cl,
            zc=cl,
            sig=sig,
            sigma0=clg == 0,
            no_sigma=~np.isfinite(clg),
        )
    if chart == "g":
        med = G.median(y, base)[g]
        mg = G.mean(y, base)
        m = mg[g]
        sig = np.sqrt(m * (m + 1))
        return dict(
            cl=med,
            ucl=m + 3 * sig,
            lcl=np.where(np.isfinite(m), 0.0, np.nan),
            v=y,
            cl_a=med,
            zc=m,
            sig=sig,
            sigma0=mg == 0,
            no_sigma=~np.isfinite(mg),
        )
    if chart in RATIO_CHARTS:
        num = np.where(valid, sd, 0.0)  # for ratio charts ``sd`` carries the numerators
        dsum = G.sum(den, base)
        clg = G.sum(num, base) / np.where(dsum > 0, dsum, np.nan)
        cl = clg[g]
        safe_den = np.where(valid, den, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            unit = cl * (1 - cl) if chart in ("p", "pp") else cl
            sig = np.sqrt(unit / safe_den)
        sigma0 = (clg == 0) | ((clg == 1) & (chart in ("p", "pp")))
        no_sigma = ~np.isfinite(clg)
        if chart in ("pp", "up"):
            with np.errstate(invalid="ignore", divide="ignore"):
                z = (y - cl) / sig
            zok = base & np.isfinite(z)
            mrbar = G.mrbar(np.where(zok, z, 0.0), zok, opts.screened_mr)
            sz = mrbar * (opts.xmr_factor / 3.0) if opts.xmr_factor else mrbar / D2
            # Where p is 0 or 1 (or u is 0) there is no variation at all: keep sigma 0.
            sig = np.where(sigma0[g], np.where(np.isfinite(sig), 0.0, np.nan), sig * sz[g])
            sigma0 = sigma0 | (sz == 0)
            no_sigma = no_sigma | (~np.isfinite(sz) & ~sigma0)
        ucl = cl + 3 * sig
        lcl = np.maximum(0.0, cl - 3 * sig)
        if chart in ("p", "pp"):
            ucl = np.minimum(1.0, ucl)
        return dict(
            cl=cl, ucl=ucl, lcl=lcl, v=y, cl_a=cl, zc=cl, sig=sig, sigma0=sigma0, no_sigma=no_sigma
        )
    if chart in ("xbar", "s"):
        sok = base & np.isfinite(sd) & (den >= 2)
        cnt = G.count(sok)
        nmin = np.full(G.n, np.inf)
        nmax = np.full(G.n, -np.inf)
        np.minimum.at(nmin, g[sok], den[sok])
        np.maximum.at(nmax, g[sok], den[sok])
        equal = nmin == nmax
        with np.errstate(invalid="ignore", divide="ignore"):
            pooled = np.sqrt(G.sum((den - 1) * sd**2, sok) / G.sum(den - 1, sok))
        sbar_g = np.where(cnt > 0, np.where(equal, G.mean(sd, sok), pooled), np.nan)
        sbar = sbar_g[g]
        if chart == "xbar":
            clg = G.sum(y * den, base) / np.where(G.sum(den, base) > 0, G.sum(den, base), np.nan)
            cl = clg[g]
            with np.errstate(invalid="ignore"):
                sig = a3(den) * sbar / 3
            return dict(
                cl=cl,
                ucl=cl + 3 * sig,
                lcl=cl - 3 * sig,
                v=y,
                cl_a=cl,
                zc=cl,
                sig=sig,
                sigma0=sbar_g == 0,
                no_sigma=~np.isfinite(sbar_g),
            )
        b3, b4 = b3_b4(den)
        c = c4(den)
        with np.errstate(invalid="ignore", divide="ignore"):
            sig = sbar * np.sqrt(1 - c**2) / c
        return dict(
            cl=sbar,
            ucl=b4 * sbar,
            lcl=b3 * sbar,
            v=y,
            cl_a=sbar,
            zc=sbar,
            sig=sig,
            sigma0=sbar_g == 0,
            no_sigma=~np.isfinite(sbar_g),
        )
    raise AssertionError(chart)  # pragma: no cover - validated earlier


# --------------------------------------------------------------------------- main entry


def compute(
    chart: str,
    sid: np.ndarray,
    phase: np.ndarray,
    y: np.ndarray,
    den: np.ndarray,
    sd: np.ndarray,
    excluded: np.ndarray,
    opts: Options,
) -> Computed:
    """Compute centre lines, limits and signals for flat arrays sorted by (series, time).

    ``y`` is the value (the numerator for ratio charts, a subgroup mean for Xbar, a subgroup
    standard deviation for S); ``den`` is the denominator or subgroup size (NaN when the
    chart has none) and ``sd`` the subgroup standard deviation.
    """
    n = y.size
    newg = np.ones(n, dtype=bool)
    if n > 1:
        newg[1:] = (sid[1:] != sid[:-1]) | (phase[1:] != phase[:-1])
    g = np.cumsum(newg) - 1
    n_groups = int(g[-1] + 1) if n else 0
    gstart = np.flatnonzero(newg)
    pos_in_phase = np.arange(n) - gstart[g] if n else np.zeros(0, dtype=np.int64)
    G = _Groups(g, n_groups, gstart)

    chart_ = opts.chart
    if chart_ == "mr":
        # Each point shows its distance from the previous point of the same phase; a
        # moving range touching an excluded point is excluded too.
        y, _ = G.moving_ranges(y, np.isfinite(y))
        if n:
            excluded = excluded | np.r_[False, excluded[:-1] & (g[1:] == g[:-1])]
    if chart_ in RATIO_CHARTS:
        valid = np.isfinite(y) & np.isfinite(den) & (den > 0)
        sd = np.where(valid, y, np.nan)  # keep the numerators for the centre line
        with np.errstate(invalid="ignore", divide="ignore"):
            y = y / den
    elif chart_ == "xbar":
        valid = np.isfinite(y) & (den >= 1)
    elif chart_ == "s":
        y = sd.copy()
        valid = np.isfinite(y) & (den >= 2)
    else:
        valid = np.isfinite(y)
    y = np.where(valid, y, np.nan)
    base = valid & ~excluded
    if opts.freeze is not None:
        base &= pos_in_phase < opts.freeze

    L = _limits(chart_, G, y, den, sd, valid, base, opts)
    v, cl_a, zc, sig = L["v"], L["cl_a"], L["zc"], L["sig"]
    cl, ucl, lcl = L["cl"], L["ucl"], L["lcl"]
    no_limits = L["no_sigma"][g] | ~valid
    zero = np.zeros(n, dtype=bool)
    if chart_ != "run":
        ucl = np.where(no_limits & ~np.isfinite(ucl), np.nan, ucl)
        lcl = np.where(no_limits & ~np.isfinite(lcl), np.nan, lcl)
        # Phases without variation: limits collapse onto the centre line, never NaN/inf.
        zero = L["sigma0"][g] & np.isfinite(sig)
        ucl = np.where(zero, cl, ucl)
        lcl = np.where(zero, cl, lcl)
        sig = np.where(zero, 0.0, sig)
    ucl[~np.isfinite(ucl)] = np.nan
    lcl[~np.isfinite(lcl)] = np.nan

    if chart_ == "t":  # judge on the transformed scale, where the limits were computed
        ucl_a = np.where(zero, cl_a, L["ucl_a"])
        lcl_a = np.where(zero, cl_a, L["lcl_a"])
        sigma_signal = valid & R.outside_limits_rule(v, lcl_a, ucl_a)
    else:
        sigma_signal = valid & R.outside_limits_rule(y, lcl, ucl)

    # ---- runs analysis (Anhøj statistics are always reported) -------------------------
    seq = valid & ~excluded
    with np.errstate(invalid="ignore"):
        side_all = np.sign(v - cl_a)
    side_all = np.where(seq & np.isfinite(side_all), side_all, 0).astype(np.int8)
    useful = side_all != 0
    ug = g[useful]
    uside = side_all[useful]
    n_useful, longest, crossings, ulen = R.anhoej_runs(ug, uside, n_groups)
    lr_max, nc_min = anhoej_limits_array(n_useful)
    with np.errstate(invalid="ignore"):
        long_run_g = longest > lr_max
        few_cross_g = crossings < nc_min
    groups: dict[str, np.ndarray] = {
        "n_points": G.count(valid),
        "n_baseline": G.count(base),
        "n_useful": n_useful,
        "longest_run": longest,
        "longest_run_max": lr_max,
        "n_crossings": crossings,
        "n_crossings_min": nc_min,
    }
    points: dict[str, np.ndarray] = {}
    fired: list[tuple[str, np.ndarray, np.ndarray | None]] = []  # (label, flags, sense)
    side_sense = np.sign(np.where(valid, y - cl, 0.0))
    if chart_ == "t":
        side_sense = np.sign(np.where(valid, v - cl_a, 0.0))
    side_sense = np.nan_to_num(side_sense).astype(np.int8)

    has_limits = chart_ != "run"
    if has_limits:
        fired.append(("outside the limits", sigma_signal, side_sense))

    sq = np.flatnonzero(seq)
    sg_, sv_ = g[sq], v[sq]

    def scatter(flags_seq: np.ndarray, index: np.ndarray = sq) -> np.ndarray:
        out = np.zeros(n, dtype=bool)
        out[index] = flags_seq
        return out

    def zones(k: float) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(invalid="ignore"):
            above = (sv_ > zc[sq] + k * sig[sq]) & (sig[sq] > 0)
            below = (sv_ < zc[sq] - k * sig[sq]) & (sig[sq] > 0)
        return above, below

    def trends(min_length: int, ties_break: bool) -> tuple[np.ndarray, np.ndarray]:
        up = R.trend_rule(sg_, sv_, min_length=min_length, ties_break=ties_break)
        down = R.trend_rule(sg_, -sv_, min_length=min_length, ties_break=ties_break)
        return scatter(up), scatter(down)

    rules = opts.rules
    if rules == "anhoej":
        long_run = np.zeros(n, dtype=bool)
        long_run[np.flatnonzero(useful)] = ulen > lr_max[ug]
        groups["shift_signal"] = long_run_g
        groups["crossings_signal"] = few_cross_g
        groups["runs_signal"] = long_run_g | few_cross_g
        points["long_run"] = long_run
        points["runs_signal"] = groups["runs_signal"][g] & valid
        fired.append(("unusually long run", long_run, side_sense))
    elif rules == "ihi":
        run_chart = chart_ == "run"
        shift_len = opts.threshold("shift", 6 if run_chart else 8)
        trend_len = opts.threshold("trend", 5 if run_chart else 6)
        shift = np.zeros(n, dtype=bool)
        shift[np.flatnonzero(useful)] = R.shift_rule(ug, uside, min_length=shift_len)
        t_up, t_down = trends(trend_len, ties_break=False)
        trend = t_up | t_down
        n_runs = np.where(n_useful > 0, crossings + 1, 0)
        lo, hi = runs_limits_array(n_useful)
        # Perla et al.'s table starts at 10 useful points: fewer never signal on runs. The
        # runs count is a run-chart rule; Shewhart charts use the Data Guide's five rules.
        enough = (n_useful >= MIN_USEFUL_FOR_RUNS_TEST) & run_chart
        with np.errstate(invalid="ignore"):
            too_few = (n_runs < lo) & enough
            too_many = (n_runs > hi) & enough
        groups.update(
            n_runs=n_runs,
            runs_lower=lo,
            runs_upper=hi,
            too_few_runs=too_few,
            too_many_runs=too_many,
        )
        points["shift"] = shift
        points["trend"] = trend
        fired.append(("shift", shift, side_sense))
        fired.append(("trend", trend, np.where(t_up, 1, np.where(t_down, -1, 0))))
        any_pt = shift | trend
        if not run_chart:
            a2, b2 = zones(2.0)
            two = scatter(R.k_of_m_rule(sg_, a2, k=2, m=3) | R.k_of_m_rule(sg_, b2, k=2, m=3))
            a1, b1 = zones(1.0)
            finite = np.isfinite(sig[sq]) & (sig[sq] > 0)
            hug = scatter(
                R.hugging_rule(sg_, ~a1 & ~b1 & finite, min_length=opts.threshold("hugging", 15))
            )
            points["two_of_three"] = two
            points["hugging"] = hug
            fired.append(("two of three beyond 2 sigma", two, side_sense))
            fired.append(("fifteen hugging the centre line", hug, np.zeros(n, np.int8)))
            any_pt = any_pt | two | hug
        groups["runs_signal"] = (np.bincount(g, weights=any_pt, minlength=n_groups) > 0) | (
            too_few | too_many
        )
    elif rules == "nhs":
        seq_side = side_all[sq]  # 0 on the mean: breaks the run
        with np.errstate(invalid="ignore"):
            seq_side = np.where(sv_ == cl_a[sq], 0, np.sign(sv_ - cl_a[sq]))
        seq_side = np.nan_to_num(seq_side).astype(np.int8)
        shift = scatter(R.shift_rule(sg_, seq_side, min_length=opts.threshold("shift", 7)))
        t_up, t_down = trends(opts.threshold("trend", 7), ties_break=True)
        trend = t_up | t_down
        a2, b2 = zones(2.0)
        a3_, b3_ = zones(3.0)
        two = scatter(
            R.k_of_m_rule(sg_, a2 & ~a3_, k=2, m=3) | R.k_of_m_rule(sg_, b2 & ~b3_, k=2, m=3)
        )
        outside = sigma_signal
        # One label per point; later assignments win: outside > trend > two_of_three > shift.
        code = np.full(n, -1, dtype=np.int8)
        for k, flag in enumerate((shift, two, trend, outside)):
            code[flag] = k
        points["special_cause"] = pd.Categorical.from_codes(
            code, categories=["shift", "two_of_three", "trend", "outside"]
        )
        points["shift"] = shift
        points["trend"] = trend
        points["two_of_three"] = two
        fired.append(("shift", shift, side_sense))
        fired.append(("trend", trend, np.where(t_up, 1, np.where(t_down, -1, 0))))
        fired.append(("two of three beyond 2 sigma", two, side_sense))
        groups["runs_signal"] = np.bincount(g, weights=shift | trend, minlength=n_groups) > 0
    elif rules == "western_electric":
        seq_side = np.nan_to_num(np.sign(sv_ - cl_a[sq])).astype(np.int8)
        a2, b2 = zones(2.0)
        a1, b1 = zones(1.0)
        we2 = scatter(R.k_of_m_rule(sg_, a2, k=2, m=3) | R.k_of_m_rule(sg_, b2, k=2, m=3))
        we3 = scatter(R.k_of_m_rule(sg_, a1, k=4, m=5) | R.k_of_m_rule(sg_, b1, k=4, m=5))
        we4 = scatter(R.consecutive_rule(sg_, seq_side, min_length=opts.threshold("shift", 8)))
        points.update(we1=sigma_signal.copy(), we2=we2, we3=we3, we4=we4)
        fired.append(("two of three beyond 2 sigma", we2, side_sense))
        fired.append(("four of five beyond 1 sigma", we3, side_sense))
        fired.append(("eight on one side", we4, side_sense))
        groups["runs_signal"] = np.bincount(g, weights=we4, minlength=n_groups) > 0

    if chart_ == "mr":
        # Neighbouring moving ranges share a point, so they are not independent: as in
        # qicharts2, only the outside-limits rule is read on an MR chart.
        for name, flag, _sense in fired:
            if name != "outside the limits":
                flag[:] = False
        for key in (
            "runs_signal",
            "shift_signal",
            "crossings_signal",
            "too_few_runs",
            "too_many_runs",
        ):
            if key in groups:
                groups[key] = np.zeros(n_groups, dtype=bool)
        if "runs_signal" in points:
            points["runs_signal"] = np.zeros(n, dtype=bool)
        if "special_cause" in points:
            points["special_cause"] = pd.Categorical.from_codes(
                np.where(sigma_signal, 3, -1),
                categories=["shift", "two_of_three", "trend", "outside"],
            )

    # ---- one summary per point: any signal, which rules, improvement or concern ------
    # Labels are categoricals built from small integer codes: no Python strings per point.
    signal = np.zeros(n, dtype=bool)
    mask = np.zeros(n, dtype=np.int64)
    sense = np.zeros(n, dtype=np.int8)
    for bit, (_name, flag, fsense) in enumerate(fired):
        hit = flag & ~signal
        if fsense is not None:
            sense[hit] = np.asarray(fsense)[hit]
        signal |= flag
        mask |= flag.astype(np.int64) << bit
    if rules == "nhs":
        is_trend = np.asarray(points["special_cause"].codes) == 2
        sense = np.where(
            is_trend, np.where(points["trend"] & _trend_up(fired), 1, -1), side_sense
        ).astype(np.int8)
    present = np.flatnonzero(np.bincount(mask[signal], minlength=1 << len(fired)))
    lut = np.full(1 << len(fired), -1, dtype=np.int64)
    lut[present] = np.arange(present.size)
    rule_codes = np.where(signal, lut[mask], -1)
    rule_names = [
        "; ".join(name for bit, (name, _f, _s) in enumerate(fired) if m >> bit & 1)
        for m in present.tolist()
    ]
    # Categories as plain objects so that results with and without signals compare equal.
    rule_col = pd.Categorical.from_codes(rule_codes, categories=pd.Index(rule_names, dtype=object))
    var_code = np.zeros(n, dtype=np.int8)  # 0 common, 1 improvement, 2 concern, 3 special
    if opts.direction is None:
        var_code[signal] = 3
    else:
        good = 1 if opts.direction == "up" else -1
        var_code[signal & (sense == good)] = 1
        var_code[signal & (sense == -good)] = 2
        var_code[signal & (sense == 0)] = 3
    var_code[~valid] = -1
    variation = pd.Categorical.from_codes(var_code, categories=VARIATIONS)

    msgs: list[tuple[int, str]] = []
    if chart_ != "run":
        sigma0 = L["sigma0"] & (groups["n_baseline"] > 0)
        for gi in np.flatnonzero(sigma0):
            msgs.append((int(gi), "sigma0"))
        for gi in np.flatnonzero(L["no_sigma"] & (groups["n_baseline"] > 0)):
            msgs.append((int(gi), "no_sigma"))
    for gi in np.flatnonzero(groups["n_baseline"] == 0):
        msgs.append((int(gi), "no_baseline"))

    m = opts.multiply
    points.update(
        y=y * m if m != 1 else y,
        cl=cl * m if m != 1 else cl,
        ucl=ucl * m if m != 1 else ucl,
        lcl=lcl * m if m != 1 else lcl,
        baseline=base,
        excluded=excluded,
        valid=valid,
        sigma_signal=sigma_signal,
        signal=signal,
        rule=rule_col,
        variation=variation,
    )
    return Computed(points=points, groups=groups, group_of_point=g, messages=msgs)


def _trend_up(fired: list[tuple[str, np.ndarray, np.ndarray | None]]) -> np.ndarray:
    for name, _flag, sense in fired:
        if name == "trend":
            return np.asarray(sense) > 0
    raise AssertionError("trend rule missing")  # pragma: no cover
