"""Public entry points: :func:`analyze` for one measure, :func:`analyze_many` for a collaborative.

Compute first, draw second (as qicharts2's ``qic()`` does): these functions return tidy
tables that ``kit.charts`` draws and ``kit.spc.explain`` puts into words.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kit.errors import KitInputError
from kit.spc.engine import CHARTS, RATIO_CHARTS, RULE_SETS, Computed, Options, compute

RULE_SET_NAMES = {
    "anhoej": "Anhøj rules",
    "ihi": "IHI rules",
    "nhs": "NHS Making Data Count rules",
    "western_electric": "Western Electric rules",
}
CHART_NAMES = {
    "run": "Run chart",
    "i": "I chart",
    "mr": "MR chart",
    "xbar": "Xbar chart",
    "s": "S chart",
    "p": "P chart",
    "pp": "P' chart (Laney)",
    "u": "U chart",
    "up": "U' chart (Laney)",
    "c": "C chart",
    "g": "G chart",
    "t": "T chart",
}
_COUNT_CHARTS = ("c", "g", "u", "up", "p", "pp")


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
            messages=[m[len(str(key)) + 2 :] for m in self.messages if m.startswith(prefixes)],
        )


# --------------------------------------------------------------------------- validation


_THRESHOLDS = {
    "shift": "points in a row on one side of the centre line (IHI, NHS, Western Electric)",
    "trend": "points in a row going up or down (IHI, NHS)",
    "hugging": "points in a row within one sigma (IHI control charts)",
}


def _options(
    chart: str,
    rules: str,
    freeze: Any,
    screened_mr: Any,
    xmr_factor: Any,
    direction: Any,
    multiply: Any,
    thresholds: Any = None,
) -> Options:
    if chart not in CHARTS:
        raise KitInputError(
            f"Unknown chart {chart!r}. Choose one of: {', '.join(CHARTS)}. "
            "Not sure? kit.spc.recommend_chart() suggests one from the kind of data."
        )
    if rules not in RULE_SETS:
        raise KitInputError(f"Unknown rule set {rules!r}. Choose one of: {', '.join(RULE_SETS)}.")
    if freeze is not None and (
        isinstance(freeze, bool) or not isinstance(freeze, int | np.integer) or freeze < 1
    ):
        raise KitInputError(
            f"freeze is the number of leading points of each phase used as its baseline: "
            f"a whole number of at least 1, got {freeze!r}."
        )
    if xmr_factor is not None:
        try:
            xmr_factor = float(xmr_factor)
        except (TypeError, ValueError):
            xmr_factor = float("nan")
        if not np.isfinite(xmr_factor) or xmr_factor <= 0:
            raise KitInputError(
                f"xmr_factor must be a positive number such as 2.66; got {xmr_factor!r}."
            )
    if direction not in (None, "up", "down"):
        raise KitInputError(
            f"direction says which way is better: 'up', 'down' or None; got {direction!r}."
        )
    try:
        multiply = float(multiply)
    except (TypeError, ValueError):
        multiply = float("nan")
    if not np.isfinite(multiply) or multiply <= 0:
        raise KitInputError(
            f"multiply scales values for display (100 for percent); it must be a positive "
            f"number, got {multiply!r}."
        )
    thresholds = dict(thresholds or {})
    for key, value in thresholds.items():
        if key not in _THRESHOLDS:
            raise KitInputError(
                f"Unknown threshold {key!r}. You can change: "
                + "; ".join(f"{k} ({v})" for k, v in _THRESHOLDS.items())
                + "."
            )
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 2:
            raise KitInputError(f"The {key} threshold must be a whole number of at least 2.")
    return Options(
        thresholds=thresholds,
        chart=chart,
        rules=rules,
        freeze=None if freeze is None else int(freeze),
        screened_mr=bool(screened_mr),
        xmr_factor=xmr_factor,
        direction=direction,
        multiply=multiply,
    )


def _floats(name: str, values: Any) -> np.ndarray:
    if isinstance(values, pd.Series | pd.Index):
        try:
            arr = values.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise KitInputError(f"{name} must hold numbers only; {exc}.") from None
    else:
        try:
            arr = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            try:
                arr = pd.Series(list(values), dtype="Float64").to_numpy(
                    dtype=float, na_value=np.nan
                )
            except (TypeError, ValueError):
                raise KitInputError(
                    f"{name} must hold numbers only (leave a gap as None or NaN)."
                ) from None
    if arr.ndim != 1:
        raise KitInputError(f"{name} must be a flat list of numbers, one per period.")
    if np.isinf(arr).any():
        where = int(np.flatnonzero(np.isinf(arr))[0])
        raise KitInputError(
            f"{name} has an infinite value at position {where}; enter the real number or "
            "leave it empty."
        )
    return arr


def _check_values(chart: str, value: np.ndarray, den: np.ndarray | None, x: np.ndarray) -> None:
    """Reject data a chart cannot mean, naming the first offending period."""

    def first(mask: np.ndarray) -> str:
        i = int(np.flatnonzero(mask)[0])
        label = x[i] if x is not None else i
        return str(label.item() if isinstance(label, np.generic) else label)

    with np.errstate(invalid="ignore"):
        if chart in _COUNT_CHARTS and (value < 0).any():
            raise KitInputError(
                f"Counts cannot be negative, but the value for period {first(value < 0)} is. "
                "Check the numerator."
            )
        if den is not None and (den < 0).any():
            raise KitInputError(
                f"Denominators cannot be negative, but the one for period {first(den < 0)} is."
            )
        if chart in ("p", "pp") and den is not None and ((value > den) & (den > 0)).any():
            bad = (value > den) & (den > 0)
            raise KitInputError(
                f"For a proportion the numerator cannot be larger than the denominator, but in "
                f"period {first(bad)} it is. Check both numbers, or use a U chart for a rate."
            )
        if chart == "t" and (value <= 0).any():
            raise KitInputError(
                f"A T chart needs times between events greater than zero; period "
                f"{first(value <= 0)} has {value[value <= 0][0]:g}. Events on the same day can "
                "be entered as a fraction of a day."
            )
    if chart in RATIO_CHARTS and den is None:
        raise KitInputError(
            f"A {CHART_NAMES[chart]} needs denominators: pass n (for example the number of "
            "patients or of line-days for each period)."
        )


# --------------------------------------------------------------------------- preparation


@dataclass
class _Prepared:
    sid: np.ndarray
    x: np.ndarray
    value: np.ndarray
    den: np.ndarray
    sd: np.ndarray
    first_row: np.ndarray  # index into the input rows of each prepared row


def _prepare(
    chart: str,
    sid: np.ndarray,
    xcode: np.ndarray,
    xlab: np.ndarray,
    value: np.ndarray,
    den: np.ndarray | None,
    needs_agg: bool,
) -> _Prepared:
    """Sort by series (stable) and aggregate rows that share a period."""
    nrow = value.size
    if not needs_agg:
        in_order = nrow < 2 or bool((sid[1:] >= sid[:-1]).all())
        order = np.arange(nrow) if in_order else np.argsort(sid, kind="stable")
        nan = np.full(nrow, np.nan)
        if in_order:
            return _Prepared(sid, xlab, value, den if den is not None else nan, nan, order)
        return _Prepared(
            sid[order],
            xlab[order],
            value[order],
            den[order] if den is not None else nan,
            nan,
            order,
        )
    df = pd.DataFrame({"s": sid, "k": xcode, "v": value, "row": np.arange(nrow)})
    if den is not None:
        df["d"] = den
    grp = df.groupby(["s", "k"], sort=False)
    if chart in ("xbar", "s"):
        agg = grp.agg(v=("v", "mean"), sd=("v", "std"), d=("v", "count"), row=("row", "first"))
    elif den is not None:
        agg = grp[["v", "d"]].sum(min_count=1)  # an all-missing period stays missing
        agg["row"] = grp["row"].first()
        agg["sd"] = np.nan
    else:
        agg = grp.agg(v=("v", "mean"), row=("row", "first"))
        agg["sd"] = np.nan
        agg["d"] = np.nan
    agg = agg.reset_index()
    agg = agg.iloc[np.argsort(agg["s"].to_numpy(), kind="stable")]
    row = agg["row"].to_numpy()
    return _Prepared(
        agg["s"].to_numpy(),
        xlab[row],
        agg["v"].to_numpy(float),
        agg["d"].to_numpy(float),
        agg["sd"].to_numpy(float),
        row,
    )


def _has_repeated_periods(sid: np.ndarray, x: pd.Series) -> bool:
    """Does any series have two rows for the same period? Cheap when periods increase."""
    if len(x) < 2:
        return False
    if pd.api.types.is_numeric_dtype(x) or pd.api.types.is_datetime64_any_dtype(x):
        xv = x.to_numpy()
        try:
            increasing = (xv[1:] > xv[:-1]) | (sid[1:] != sid[:-1])
        except TypeError:
            increasing = np.zeros(1, dtype=bool)
        if bool(np.all(increasing)):
            return False
    xcode, xuniq = pd.factorize(x, use_na_sentinel=False)
    key = sid * max(len(xuniq), 1) + xcode
    return bool(pd.Series(key).duplicated().any())


def _subgroups(y: Sequence[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, standard deviation and size of each subgroup in a list of subgroups."""
    sizes = []
    flat: list[float] = []
    for sub in y:
        vals = [] if sub is None else list(np.atleast_1d(np.asarray(sub, dtype=float)))
        sizes.append(len(vals))
        flat.extend(vals)
    arr = _floats("y", flat) if flat else np.zeros(0)
    ids = np.repeat(np.arange(len(sizes)), sizes)
    ok = np.isfinite(arr)
    cnt = np.bincount(ids[ok], minlength=len(sizes)).astype(float)
    tot = np.bincount(ids[ok], weights=arr[ok], minlength=len(sizes))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(cnt > 0, tot / cnt, np.nan)
        dev = np.bincount(ids[ok], weights=(arr[ok] - mean[ids[ok]]) ** 2, minlength=len(sizes))
        sd = np.where(cnt > 1, np.sqrt(dev / (cnt - 1)), np.nan)
    return mean, sd, cnt


def _is_subgroup_list(y: Any) -> bool:
    if isinstance(y, pd.Series | np.ndarray):
        return (
            y.dtype == object
            and len(y) > 0
            and isinstance(
                y.iloc[0] if isinstance(y, pd.Series) else y[0], list | tuple | np.ndarray
            )
        )
    if isinstance(y, list | tuple) and y:
        return any(isinstance(v, list | tuple | np.ndarray) for v in y)
    return False


def _positions(name: str, values: Any, n: int, strict: bool) -> np.ndarray:
    if values is None:
        return np.zeros(0, dtype=np.int64)
    if isinstance(values, int | np.integer):
        values = [values]
    try:
        arr = np.asarray(list(values))
    except TypeError:
        raise KitInputError(f"{name} must be a list of 0-based positions.") from None
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise KitInputError(
            f"{name} must be whole-number positions (0 is the first point); got {list(values)!r}."
        )
    if (arr < 0).any() or (strict and (arr >= n).any()):
        raise KitInputError(
            f"{name} must be positions between 0 and {n - 1} (0 is the first point); "
            f"got {sorted(set(arr.tolist()))}."
        )
    return arr.astype(np.int64)


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
    defaults are each rule set's published values.
    """
    opts = _options(chart, rules, freeze, screened_mr, xmr_factor, direction, multiply, thresholds)
    if x is None and isinstance(y, pd.Series) and not isinstance(y.index, pd.RangeIndex):
        x = y.index  # a Series indexed by period carries its own labels
    if chart in ("xbar", "s") and (_is_subgroup_list(y) or (x is None and len(y) == 0)):
        mean, sd, size = _subgroups(list(y))
        nrow = mean.size
        xlab = np.arange(nrow) if x is None else np.asarray(x, dtype=object)
        if xlab.size != nrow:
            raise KitInputError(f"x has {xlab.size} labels but y has {nrow} subgroups.")
        prep = _Prepared(np.zeros(nrow, np.int64), xlab, mean, size, sd, np.arange(nrow))
    else:
        value = _floats("y", y)
        nrow = value.size
        den = None if n is None else _floats("n", n)
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
        _check_values(chart, value, den, xlab)
        codes = np.arange(nrow) if x is None else pd.factorize(pd.Series(xlab))[0]
        needs_agg = chart in ("xbar", "s") or (x is not None and np.unique(codes).size != nrow)
        prep = _prepare(chart, np.zeros(nrow, np.int64), codes, xlab, value, den, needs_agg)
    m = prep.value.size
    starts = _positions("phase_starts", phase_starts, m, strict=True)
    phase = np.searchsorted(np.unique(starts[starts > 0]), np.arange(m), side="right")
    excl_pos = _positions("exclude", exclude, m, strict=True)
    excluded = np.zeros(m, dtype=bool)
    excluded[excl_pos] = True
    comp = compute(chart, prep.sid, phase, prep.value, prep.den, prep.sd, excluded, opts)
    points, phases, messages = _tables(comp, prep, phase, opts, by=None, keys=None)
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
) -> ManyResult:
    """Analyse many series (teams) at once, with the options of :func:`analyze`.

    ``frame`` is long data: one row per team and period (several rows per period are
    aggregated; for Xbar/S they are the measurements of the subgroup). Rows are taken in the
    order given within each team. ``phase_starts`` is either positions applied to every
    series or the name of a column of phase labels (a new phase starts where the label
    changes); ``exclude`` is positions or the name of a boolean column. All series are
    computed together in flat arrays: no Python loop per series or per point.
    """
    opts = _options(chart, rules, freeze, screened_mr, xmr_factor, direction, multiply, thresholds)
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
    value = _floats(y, frame[y])
    den = _floats(n, frame[n]) if n else None
    xlab = frame[x].to_numpy()
    _check_values(chart, value, den, xlab)
    sid, keys = pd.factorize(frame[by], use_na_sentinel=False)
    sid = sid.astype(np.int64)
    needs_agg = chart in ("xbar", "s") or _has_repeated_periods(sid, frame[x])
    xcode = pd.factorize(frame[x], use_na_sentinel=False)[0] if needs_agg else sid
    prep = _prepare(chart, sid, xcode, xlab, value, den, needs_agg)
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
        starts = _positions("phase_starts", phase_starts, m, strict=False)
        cuts = np.unique(starts[starts > 0])
        phase = np.searchsorted(cuts, pos, side="right") if cuts.size else np.zeros(m, np.int64)
    if isinstance(exclude, str):
        if exclude not in frame.columns:
            raise KitInputError(f"The data has no exclusion column {exclude!r}.")
        excluded = frame[exclude].fillna(False).to_numpy(dtype=bool)[prep.first_row]
    else:
        excluded = np.isin(pos, _positions("exclude", exclude, m, strict=False))
    comp = compute(chart, prep.sid, phase, prep.value, prep.den, prep.sd, excluded, opts)
    points, phases, messages = _tables(comp, prep, phase, opts, by=by, keys=keys)
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


# --------------------------------------------------------------------------- output tables

_MESSAGES = {
    "sigma0": (
        "all values used for the centre line are the same, so there is no variation to "
        "estimate limits from: the limits are drawn on the centre line, and any point that "
        "differs is flagged."
    ),
    "no_sigma": (
        "there are too few usable points to compute control limits (an I chart needs two "
        "neighbouring points, an Xbar or S chart subgroups of two or more): the limits are "
        "left blank."
    ),
    "no_baseline": ("no usable point is left for the centre line (all are missing or excluded)."),
}

_PHASE_INT = ("n_points", "n_baseline", "n_useful", "longest_run", "n_crossings", "n_runs")


def _tables(
    comp: Computed, prep: _Prepared, phase: np.ndarray, opts: Options, by: str | None, keys: Any
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    p = comp.points
    numerator = prep.value
    den = prep.den if opts.chart in RATIO_CHARTS + ("xbar", "s") else np.full(prep.den.size, np.nan)
    cols: dict[str, Any] = {}
    if by is not None:
        # The team column as a categorical: one label per team, not one object per row.
        cols[by] = pd.Categorical.from_codes(prep.sid, categories=pd.Index(keys))
    cols.update(
        x=prep.x,
        y=p["y"],
        n=den,
        numerator=numerator,
        cl=p["cl"],
        ucl=p["ucl"],
        lcl=p["lcl"],
        phase=phase,
        baseline=p["baseline"],
        excluded=p["excluded"],
        sigma_signal=p["sigma_signal"],
        signal=p["signal"],
        rule=p["rule"],
        variation=p["variation"],
    )
    skip = {
        "y",
        "cl",
        "ucl",
        "lcl",
        "baseline",
        "excluded",
        "valid",
        "sigma_signal",
        "signal",
        "rule",
        "variation",
    }
    for name, arr in p.items():
        if name not in skip:
            cols[name] = arr
    points = pd.DataFrame(cols, copy=False)  # no consolidation copy: 30x faster at 1M rows

    g = comp.group_of_point
    first = np.flatnonzero(np.r_[True, g[1:] != g[:-1]]) if g.size else np.zeros(0, np.int64)
    last = np.r_[first[1:] - 1, g.size - 1] if g.size else first
    gcols: dict[str, Any] = {}
    if by is not None:
        gcols[by] = np.asarray(keys)[prep.sid[first]]
    gcols.update(phase=phase[first], start=prep.x[first], end=prep.x[last], cl=p["cl"][first])
    for name, arr in comp.groups.items():
        gcols[name] = arr.astype(np.int64) if name in _PHASE_INT else arr
    phases = pd.DataFrame(gcols, copy=False)

    messages = []
    many_phases = phase.size and phase.max() > 0
    for gi, code in comp.messages:
        where = []
        if by is not None:
            where.append(f"{gcols[by][gi]}")
        if many_phases:
            where.append(f"phase {int(gcols['phase'][gi]) + 1}")
        prefix = (", ".join(where) + ": ") if where else ""
        text = _MESSAGES[code]
        messages.append(prefix + (text[0].upper() + text[1:] if not prefix else text))
    return points, phases, messages
