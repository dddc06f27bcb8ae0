"""The vectorised computation behind :func:`kit.spc.analyze` and :func:`kit.spc.analyze_many`.

All series are handled at once as flat arrays sorted by series and time. A *group* is one
phase of one series; every centre line, limit, moving range and run is computed per group
with bincount / reduceat / cumulative-sum tricks, so there is no Python loop per point or per
series. One code path serves one series and a thousand. The steps: the chart's limits
(``kit/spc/chart_limits.py``), the runs statistics, the rule set
(``kit/spc/rule_sets.py``), then one summary per point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kit.spc import rules as R
from kit.spc.chart_limits import LIMITS, T_POWER, ChartInput, Limits
from kit.spc.grouping import Groups
from kit.spc.limits import anhoej_limits_array
from kit.spc.options import CHARTS, RATIO_CHARTS, RULE_SETS, Options
from kit.spc.rule_sets import (
    MDC_LABELS,
    MIN_USEFUL_FOR_RUNS_TEST,
    RULE_SET_FUNCTIONS,
    Fired,
    RuleInput,
    RuleOutcome,
)

__all__ = [
    "CHARTS",
    "MIN_USEFUL_FOR_RUNS_TEST",
    "RATIO_CHARTS",
    "RULE_SETS",
    "T_POWER",
    "VARIATIONS",
    "Computed",
    "Options",
    "compute",
]

VARIATIONS = ["common", "improvement", "concern", "special"]


@dataclass
class Computed:
    """Per-point and per-group arrays; turned into DataFrames by ``kit/spc/tables.py``."""

    points: dict[str, Any]
    groups: dict[str, np.ndarray]
    group_of_point: np.ndarray
    messages: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Lines:
    """The limits after the common clean-up, and the outside-limits flags."""

    limits: Limits
    centre: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    sigma: np.ndarray
    sigma_signal: np.ndarray


def _groups(sid: np.ndarray, phase: np.ndarray) -> tuple[Groups, np.ndarray]:
    """One group per phase of each series, and each point's position inside its phase."""
    n = sid.size
    newg = np.ones(n, dtype=bool)
    if n > 1:
        newg[1:] = (sid[1:] != sid[:-1]) | (phase[1:] != phase[:-1])
    g = np.cumsum(newg) - 1
    n_groups = int(g[-1] + 1) if n else 0
    gstart = np.flatnonzero(newg)
    pos_in_phase = np.arange(n) - gstart[g] if n else np.zeros(0, dtype=np.int64)
    return Groups(g, n_groups, gstart), pos_in_phase


def _chart_input(
    G: Groups,
    y: np.ndarray,
    den: np.ndarray,
    sd: np.ndarray,
    excluded: np.ndarray,
    pos_in_phase: np.ndarray,
    opts: Options,
) -> tuple[ChartInput, np.ndarray]:
    """The values each chart plots, which are usable, and which form the baseline."""
    chart = opts.chart
    numerator = np.full(y.size, np.nan)
    if chart == "mr":
        # Each point shows its distance from the previous point of the same phase; a
        # moving range touching an excluded point is excluded too.
        y, _ = G.moving_ranges(y, np.isfinite(y))
        if y.size:
            excluded = excluded | np.r_[False, excluded[:-1] & (G.g[1:] == G.g[:-1])]
    if chart in RATIO_CHARTS:
        valid = np.isfinite(y) & np.isfinite(den) & (den > 0)
        numerator = np.where(valid, y, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            y = y / den
    elif chart == "xbar":
        valid = np.isfinite(y) & (den >= 1)
    elif chart == "s":
        y = sd.copy()
        valid = np.isfinite(y) & (den >= 2)
    else:
        valid = np.isfinite(y)
    y = np.where(valid, y, np.nan)
    base = valid & ~excluded
    if opts.freeze is not None:
        base &= pos_in_phase < opts.freeze
    return ChartInput(G, y, den, numerator, sd, valid, base, opts, excluded), excluded


def _lines(d: ChartInput, L: Limits) -> _Lines:
    """Blank limits where none can be estimated; collapse them where there is no variation."""
    g, valid = d.groups.g, d.valid
    cl, ucl, lcl, sig = L.centre, L.upper, L.lower, L.sigma
    zero = np.zeros(d.y.size, dtype=bool)
    if d.options.chart != "run":
        no_limits = L.too_few[g] | ~valid
        ucl = np.where(no_limits & ~np.isfinite(ucl), np.nan, ucl)
        lcl = np.where(no_limits & ~np.isfinite(lcl), np.nan, lcl)
        # Phases without variation: limits collapse onto the centre line, never NaN/inf.
        zero = L.no_variation[g] & np.isfinite(sig)
        ucl = np.where(zero, cl, ucl)
        lcl = np.where(zero, cl, lcl)
        sig = np.where(zero, 0.0, sig)
    ucl = np.where(np.isfinite(ucl), ucl, np.nan)
    lcl = np.where(np.isfinite(lcl), lcl, np.nan)
    if L.upper_analysis is not None and L.lower_analysis is not None and d.options.chart == "t":
        # Judge a T chart on the transformed scale, where its limits were computed.
        ucl_a = np.where(zero, L.runs_centre, L.upper_analysis)
        lcl_a = np.where(zero, L.runs_centre, L.lower_analysis)
        outside = valid & R.outside_limits_rule(L.values, lcl_a, ucl_a)
    else:
        outside = valid & R.outside_limits_rule(d.y, lcl, ucl)
    return _Lines(L, cl, lcl, ucl, sig, outside)


def _rule_input(d: ChartInput, lines: _Lines, excluded: np.ndarray) -> tuple[RuleInput, dict]:
    """Anhøj's runs statistics per group (reported for every rule set) and the rules' input."""
    G, g, valid, L = d.groups, d.groups.g, d.valid, lines.limits
    v, cl_a = L.values, L.runs_centre
    seq = valid & ~excluded
    with np.errstate(invalid="ignore"):
        side_all = np.sign(v - cl_a)
    side_all = np.where(seq & np.isfinite(side_all), side_all, 0).astype(np.int8)
    useful = side_all != 0
    uside = side_all[useful]
    n_useful, longest, crossings, ulen = R.anhoej_runs(g[useful], uside, G.n)
    lr_max, nc_min = anhoej_limits_array(n_useful)
    with np.errstate(invalid="ignore"):
        long_run_g = longest > lr_max
        few_cross_g = crossings < nc_min
    groups = {
        "n_points": G.count(valid),
        "n_baseline": G.count(d.base),
        "n_useful": n_useful,
        "longest_run": longest,
        "longest_run_max": lr_max,
        "n_crossings": crossings,
        "n_crossings_min": nc_min,
    }
    if d.options.chart == "t":
        side_sense = np.sign(np.where(valid, v - cl_a, 0.0))
    else:
        side_sense = np.sign(np.where(valid, d.y - lines.centre, 0.0))
    r = RuleInput(
        n=d.y.size,
        group=g,
        n_groups=G.n,
        seq=np.flatnonzero(seq),
        values=v,
        runs_centre=cl_a,
        zone_centre=L.zone_centre,
        sigma=lines.sigma,
        useful=useful,
        useful_side=uside,
        useful_run_length=ulen,
        n_useful=n_useful,
        crossings=crossings,
        longest_run_max=lr_max,
        long_run=long_run_g,
        few_crossings=few_cross_g,
        sigma_signal=lines.sigma_signal,
        side=np.nan_to_num(side_sense).astype(np.int8),
        valid=valid,
        run_chart=d.options.chart == "run",
        options=d.options,
    )
    return r, groups


def _only_outside_limits_on_mr(out: RuleOutcome, groups: dict, sigma_signal: np.ndarray) -> None:
    """Neighbouring moving ranges share a point, so they are not independent: as in
    qicharts2, only the outside-limits rule is read on an MR chart."""
    for fired in out.fired:
        if fired.name != "outside the limits":
            fired.flags[:] = False  # the same arrays as the rule set's point columns
    for key in ("runs_signal", "shift_signal", "crossings_signal", "too_few_runs", "too_many_runs"):
        if key in groups:
            groups[key] = np.zeros_like(groups[key], dtype=bool)
    if "runs_signal" in out.points:
        out.points["runs_signal"] = np.zeros(sigma_signal.size, dtype=bool)
    if "special_cause" in out.points:
        out.points["special_cause"] = pd.Categorical.from_codes(
            np.where(sigma_signal, 3, -1), categories=MDC_LABELS
        )


def _summary(
    fired: list[Fired], out: RuleOutcome, side: np.ndarray, valid: np.ndarray, opts: Options
) -> tuple[np.ndarray, pd.Categorical, pd.Categorical]:
    """One summary per point: any signal, which rules (in words), improvement or concern.

    Labels are categoricals built from small integer codes: no Python strings per point.
    """
    n = valid.size
    signal = np.zeros(n, dtype=bool)
    mask = np.zeros(n, dtype=np.int64)
    sense = np.zeros(n, dtype=np.int8)
    for bit, f in enumerate(fired):
        hit = f.flags & ~signal
        sense[hit] = f.sense[hit]
        signal |= f.flags
        mask |= f.flags.astype(np.int64) << bit
    if opts.rules == "nhs":
        trend = next(f for f in fired if f.name == "trend")
        is_trend = np.asarray(out.points["special_cause"].codes) == MDC_LABELS.index("trend")
        up = out.points["trend"] & (trend.sense > 0)
        sense = np.where(is_trend, np.where(up, 1, -1), side).astype(np.int8)
    present = np.flatnonzero(np.bincount(mask[signal], minlength=1 << len(fired)))
    lut = np.full(1 << len(fired), -1, dtype=np.int64)
    lut[present] = np.arange(present.size)
    rule_codes = np.where(signal, lut[mask], -1)
    rule_names = [
        "; ".join(f.name for bit, f in enumerate(fired) if m >> bit & 1) for m in present.tolist()
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
    return signal, rule_col, pd.Categorical.from_codes(var_code, categories=VARIATIONS)


def _messages(L: Limits, groups: dict, chart: str) -> list[tuple[int, str]]:
    """Codes of the per-phase messages (``kit/spc/tables.py`` words them)."""
    msgs: list[tuple[int, str]] = []
    has_base = groups["n_baseline"] > 0
    if chart != "run":
        msgs += [(int(gi), "sigma0") for gi in np.flatnonzero(L.no_variation & has_base)]
        msgs += [(int(gi), "no_sigma") for gi in np.flatnonzero(L.too_few & has_base)]
    msgs += [(int(gi), "no_baseline") for gi in np.flatnonzero(~has_base)]
    return msgs


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
    chart has none) and ``sd`` the subgroup standard deviation. ``chart`` is kept for the
    callers' sake; ``opts.chart`` decides.
    """
    G, pos_in_phase = _groups(sid, phase)
    d, excluded = _chart_input(G, y, den, sd, excluded, pos_in_phase, opts)
    lines = _lines(d, LIMITS[opts.chart](d))
    r, groups = _rule_input(d, lines, excluded)
    out = RULE_SET_FUNCTIONS[opts.rules](r)
    groups.update(out.groups)
    fired = list(out.fired)
    if opts.chart != "run":
        fired.insert(0, Fired("outside the limits", lines.sigma_signal, r.side))
    if opts.chart == "mr":
        _only_outside_limits_on_mr(out, groups, lines.sigma_signal)
    signal, rule_col, variation = _summary(fired, out, r.side, d.valid, opts)
    m = opts.multiply
    points = dict(out.points)
    points.update(
        y=d.y * m if m != 1 else d.y,
        cl=lines.centre * m if m != 1 else lines.centre,
        ucl=lines.upper * m if m != 1 else lines.upper,
        lcl=lines.lower * m if m != 1 else lines.lower,
        baseline=d.base,
        excluded=excluded,
        valid=d.valid,
        sigma_signal=lines.sigma_signal,
        signal=signal,
        rule=rule_col,
        variation=variation,
    )
    return Computed(points, groups, G.g, _messages(lines.limits, groups, opts.chart))
