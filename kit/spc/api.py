"""Public entry points: :func:`analyze` for one measure, :func:`analyze_many` for a collaborative.

Compute first, draw second (as qicharts2's ``qic()`` does): these functions return tidy
tables that ``kit.charts`` draws and ``kit.spc.explain`` puts into words.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kit.errors import KitInputError
from kit.spc.engine import compute
from kit.spc.inputs import (
    CHART_NAMES,
    Prepared,
    as_floats,
    check_values,
    has_repeated_periods,
    is_subgroup_list,
    make_options,
    positions,
    prepare,
    subgroups,
)
from kit.spc.tables import tables
from kit.spc.wording import capital as _capital

RULE_SET_NAMES = {
    "anhoej": "Anhøj rules",
    "ihi": "IHI rules",
    "nhs": "NHS Making Data Count rules",
    "western_electric": "Western Electric rules",
}


@dataclass(frozen=True)
class SPCResult:
    """What :func:`analyze` returns.

    ``points`` has one row per period: ``x``, ``y`` (plotted, multiplied), ``n``,
    ``numerator``, ``cl``, ``ucl``, ``lcl``, ``phase``, ``baseline``, ``excluded``,
    ``sigma_signal`` (outside the limits, excluded points included), ``signal`` (any rule),
    ``rule`` (which rules fired, in words), ``variation`` (common / improvement / concern /
    special), plus the rule set's own columns: ``long_run`` and ``runs_signal`` (Anhøj);
    ``shift``, ``trend`` and on control charts ``two_of_three`` and ``hugging`` (IHI);
    ``special_cause``, ``shift``, ``trend``, ``two_of_three`` (NHS); ``we1``..``we4``
    (Western Electric). The text columns ``rule``, ``variation`` and ``special_cause`` are
    pandas categoricals (cheap for a million rows); a missing value means "no label".
    ``phases`` has one row per phase with the runs analysis (Anhøj's statistics for every
    rule set, ``runs_signal`` by the chosen rule set, and for IHI the runs count with its
    Swed-Eisenhart limits). ``messages`` explain anything unusual (no variation, too few
    points).
    """

    points: pd.DataFrame
    phases: pd.DataFrame
    chart: str
    rules: str
    direction: str | None = None
    multiply: float = 1.0
    messages: list[str] = field(default_factory=list)

    @property
    def rule_set_name(self) -> str:
        """The rule set in words, for chart titles ("Anhøj rules")."""
        return RULE_SET_NAMES[self.rules]

    @property
    def chart_name(self) -> str:
        return CHART_NAMES[self.chart]

    def explain(self) -> list[str]:
        """Plain-language sentences, one per signal, for participants."""
        from kit.spc.explain import explain

        return explain(self)


@dataclass(frozen=True)
class ManyResult:
    """What :func:`analyze_many` returns: the same tables with a ``by`` column first."""

    points: pd.DataFrame
    phases: pd.DataFrame
    chart: str
    rules: str
    by: str
    direction: str | None = None
    multiply: float = 1.0
    messages: list[str] = field(default_factory=list)

    @property
    def rule_set_name(self) -> str:
        return RULE_SET_NAMES[self.rules]

    @property
    def keys(self) -> list[Hashable]:
        return list(pd.unique(self.points[self.by]))

    def series(self, key: Hashable) -> SPCResult:
        """One series as an :class:`SPCResult` (for drawing or explaining one team)."""
        pts = self.points[self.points[self.by] == key]
        if pts.empty:
            raise KitInputError(f"There is no series called {key!r}.")
        phs = self.phases[self.phases[self.by] == key]
        prefixes = (f"{key}: ", f"{key}, ")
        return SPCResult(
            points=pts.drop(columns=[self.by]).reset_index(drop=True),
            phases=phs.drop(columns=[self.by]).reset_index(drop=True),
            chart=self.chart,
            rules=self.rules,
            direction=self.direction,
            multiply=self.multiply,
            messages=[
                _capital(m[len(str(key)) + 2 :]) for m in self.messages if m.startswith(prefixes)
            ],
        )


# --------------------------------------------------------------------------- public API


def analyze(
    y: Any,
    n: Any = None,
    *,
    chart: str = "run",
    x: Any = None,
    phase_starts: Iterable[int] | None = None,
    freeze: int | None = None,
    exclude: Iterable[int] | None = None,
    rules: str = "anhoej",
    screened_mr: bool = True,
    xmr_factor: float | None = None,
    direction: str | None = None,
    multiply: float = 1,
    thresholds: Mapping[str, int] | None = None,
    mr_across_excluded: bool = False,
) -> SPCResult:
    """Analyse one measure over time: centre line, limits and signals per point.

    ``y`` holds the values (numerators for P/U charts, counts for C, cases between events
    for G, times between events for T; for Xbar/S a list of subgroups, or long data with
    ``x`` naming each measurement's subgroup). ``n`` holds denominators. Rows sharing an ``x``
    are aggregated (numerators and denominators summed; values without a denominator
    averaged). ``phase_starts`` and ``exclude`` are 0-based positions after aggregation;
    ``freeze`` takes the first points of *each* phase as its baseline. ``rules`` picks the
    rule set named on the chart; ``direction`` ("up" or "down") says which way is better.
    ``xmr_factor=2.66`` gives NHS Making Data Count's mean +/- 2.66 MRbar; the default is
    qicharts2's 3 * MRbar / 1.128. ``multiply`` scales y and the lines for display only.
    Without ``x``, a pandas Series' own index (dates, months) labels the periods.
    ``thresholds`` changes a rule's length, e.g. ``{"shift": 8}`` for the 8-point shift of
    the Health Care Data Guide on a run chart (``shift``, ``trend``, ``hugging``); the
    defaults are each rule set's published values. ``mr_across_excluded=True`` takes the
    moving ranges of I, T, P' and U' charts as qicharts2 does: an excluded point is skipped
    and its two neighbours make one moving range (by default it breaks the chain).
    """
    opts = make_options(
        chart,
        rules,
        freeze,
        screened_mr,
        xmr_factor,
        direction,
        multiply,
        thresholds,
        mr_across_excluded,
    )
    if x is None and isinstance(y, pd.Series) and not isinstance(y.index, pd.RangeIndex):
        x = y.index  # a Series indexed by period carries its own labels
    if chart in ("xbar", "s") and (is_subgroup_list(y) or (x is None and len(y) == 0)):
        mean, sd, size = subgroups(list(y))
        nrow = mean.size
        xlab = np.arange(nrow) if x is None else np.asarray(x, dtype=object)
        if xlab.size != nrow:
            raise KitInputError(f"x has {xlab.size} labels but y has {nrow} subgroups.")
        prep = Prepared(np.zeros(nrow, np.int64), xlab, mean, size, sd, np.arange(nrow))
    else:
        value = as_floats("y", y)
        nrow = value.size
        den = None if n is None else as_floats("n", n)
        if den is not None and den.size != nrow:
            raise KitInputError(
                f"y has {nrow} values but n has {den.size}: give one denominator per value."
            )
        if x is None:
            if chart in ("xbar", "s"):
                raise KitInputError(
                    "An Xbar or S chart needs subgroups: give y as a list of subgroups "
                    "(one list of measurements per period), or give x naming each "
                    "measurement's period."
                )
            xlab = np.arange(nrow)
        else:
            xlab = np.asarray(
                list(x) if not isinstance(x, pd.Series | pd.Index | np.ndarray) else x
            )
            if xlab.size != nrow:
                raise KitInputError(f"x has {xlab.size} labels but y has {nrow} values.")
            if pd.isna(pd.Series(xlab)).any():
                raise KitInputError(
                    "Some periods in x are empty; give every value its period or drop it."
                )
        check_values(chart, value, den, xlab)
        codes = np.arange(nrow) if x is None else pd.factorize(pd.Series(xlab))[0]
        needs_agg = chart in ("xbar", "s") or (x is not None and np.unique(codes).size != nrow)
        prep = prepare(chart, np.zeros(nrow, np.int64), codes, xlab, value, den, needs_agg)
    m = prep.value.size
    starts = positions("phase_starts", phase_starts, m, strict=True)
    phase = np.searchsorted(np.unique(starts[starts > 0]), np.arange(m), side="right")
    excl_pos = positions("exclude", exclude, m, strict=True)
    excluded = np.zeros(m, dtype=bool)
    excluded[excl_pos] = True
    comp = compute(chart, prep.sid, phase, prep.value, prep.den, prep.sd, excluded, opts)
    points, phases, messages = tables(comp, prep, phase, opts, by=None, keys=None)
    return SPCResult(
        points=points,
        phases=phases,
        chart=chart,
        rules=rules,
        direction=direction,
        multiply=opts.multiply,
        messages=messages,
    )


def analyze_many(
    frame: pd.DataFrame,
    by: str = "team",
    x: str = "period",
    y: str = "value",
    n: str | None = None,
    *,
    chart: str = "run",
    phase_starts: Iterable[int] | str | None = None,
    freeze: int | None = None,
    exclude: Iterable[int] | str | None = None,
    rules: str = "anhoej",
    screened_mr: bool = True,
    xmr_factor: float | None = None,
    direction: str | None = None,
    multiply: float = 1,
    thresholds: Mapping[str, int] | None = None,
    mr_across_excluded: bool = False,
) -> ManyResult:
    """Analyse many series (teams) at once, with the options of :func:`analyze`.

    ``frame`` is long data: one row per team and period (several rows per period are
    aggregated; for Xbar/S they are the measurements of the subgroup). Rows are taken in the
    order given within each team. ``phase_starts`` is either positions applied to every
    series or the name of a column of phase labels (a new phase starts where the label
    changes); ``exclude`` is positions or the name of a boolean column. All series are
    computed together in flat arrays: no Python loop per series or per point.
    """
    opts = make_options(
        chart,
        rules,
        freeze,
        screened_mr,
        xmr_factor,
        direction,
        multiply,
        thresholds,
        mr_across_excluded,
    )
    for col in (by, x, y) + ((n,) if n else ()):
        if col not in frame.columns:
            raise KitInputError(
                f"The data has no column {col!r}; its columns are {list(frame.columns)}."
            )
    for col, what in ((by, "series (team)"), (x, "period")):
        missing = frame[col].isna()
        if missing.any():
            raise KitInputError(
                f"{int(missing.sum())} row(s) have no {what} in column {col!r} (first at row "
                f"{frame.index[missing.to_numpy()][0]!r}); fill it in or drop those rows."
            )
    value = as_floats(y, frame[y])
    den = as_floats(n, frame[n]) if n else None
    xlab = frame[x].to_numpy()
    check_values(chart, value, den, xlab)
    sid, keys = pd.factorize(frame[by], use_na_sentinel=False)
    sid = sid.astype(np.int64)
    needs_agg = chart in ("xbar", "s") or has_repeated_periods(sid, frame[x])
    xcode = pd.factorize(frame[x], use_na_sentinel=False)[0] if needs_agg else sid
    prep = prepare(chart, sid, xcode, xlab, value, den, needs_agg)
    m = prep.value.size
    new_series = np.r_[True, prep.sid[1:] != prep.sid[:-1]] if m else np.zeros(0, bool)
    series_start = np.flatnonzero(new_series)
    pos = np.arange(m) - series_start[np.cumsum(new_series) - 1] if m else np.zeros(0, np.int64)
    if isinstance(phase_starts, str):
        if phase_starts not in frame.columns:
            raise KitInputError(f"The data has no phase column {phase_starts!r}.")
        lab = pd.factorize(frame[phase_starts].to_numpy()[prep.first_row])[0]
        change = np.r_[False, (lab[1:] != lab[:-1]) & ~new_series[1:]] if m else new_series
        cs = np.cumsum(change)
        phase = cs - cs[series_start[np.cumsum(new_series) - 1]] if m else cs
    else:
        starts = positions("phase_starts", phase_starts, m, strict=False)
        cuts = np.unique(starts[starts > 0])
        phase = np.searchsorted(cuts, pos, side="right") if cuts.size else np.zeros(m, np.int64)
    if isinstance(exclude, str):
        if exclude not in frame.columns:
            raise KitInputError(f"The data has no exclusion column {exclude!r}.")
        excluded = frame[exclude].fillna(False).to_numpy(dtype=bool)[prep.first_row]
    else:
        excluded = np.isin(pos, positions("exclude", exclude, m, strict=False))
    comp = compute(chart, prep.sid, phase, prep.value, prep.den, prep.sd, excluded, opts)
    points, phases, messages = tables(comp, prep, phase, opts, by=by, keys=keys)
    return ManyResult(
        points=points,
        phases=phases,
        chart=chart,
        rules=rules,
        by=by,
        direction=direction,
        multiply=opts.multiply,
        messages=messages,
    )
