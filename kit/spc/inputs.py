"""Checking and preparing what callers pass to :func:`kit.spc.analyze` and ``analyze_many``.

Every message names the offending period or option in the participant's words, because the
apps show these errors as they are (``kit/errors.py``). Preparation sorts by series and
combines rows that share a period, so ``kit/spc/engine.py`` sees one row per period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kit.errors import KitInputError
from kit.spc.options import CHARTS, RATIO_CHARTS, RULE_SETS, Options

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


# --------------------------------------------------------------------------- validation


_THRESHOLDS = {
    "shift": "points in a row on one side of the centre line (IHI, NHS, Western Electric)",
    "trend": "points in a row going up or down (IHI, NHS)",
    "hugging": "points in a row within one sigma (IHI control charts)",
}


def make_options(
    chart: str,
    rules: str,
    freeze: Any,
    screened_mr: Any,
    xmr_factor: Any,
    direction: Any,
    multiply: Any,
    thresholds: Any = None,
    mr_across_excluded: bool = False,
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
        mr_across_excluded=bool(mr_across_excluded),
        xmr_factor=xmr_factor,
        direction=direction,
        multiply=multiply,
    )


def as_floats(name: str, values: Any) -> np.ndarray:
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


def check_values(chart: str, value: np.ndarray, den: np.ndarray | None, x: np.ndarray) -> None:
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
class Prepared:
    sid: np.ndarray
    x: np.ndarray
    value: np.ndarray
    den: np.ndarray
    sd: np.ndarray
    first_row: np.ndarray  # index into the input rows of each prepared row


def prepare(
    chart: str,
    sid: np.ndarray,
    xcode: np.ndarray,
    xlab: np.ndarray,
    value: np.ndarray,
    den: np.ndarray | None,
    needs_agg: bool,
) -> Prepared:
    """Sort by series (stable) and aggregate rows that share a period."""
    nrow = value.size
    if not needs_agg:
        in_order = nrow < 2 or bool((sid[1:] >= sid[:-1]).all())
        order = np.arange(nrow) if in_order else np.argsort(sid, kind="stable")
        nan = np.full(nrow, np.nan)
        if in_order:
            return Prepared(sid, xlab, value, den if den is not None else nan, nan, order)
        return Prepared(
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
    return Prepared(
        agg["s"].to_numpy(),
        xlab[row],
        agg["v"].to_numpy(float),
        agg["d"].to_numpy(float),
        agg["sd"].to_numpy(float),
        row,
    )


def has_repeated_periods(sid: np.ndarray, x: pd.Series) -> bool:
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


def subgroups(y: Sequence[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, standard deviation and size of each subgroup in a list of subgroups."""
    sizes = []
    flat: list[float] = []
    for sub in y:
        vals = [] if sub is None else list(np.atleast_1d(np.asarray(sub, dtype=float)))
        sizes.append(len(vals))
        flat.extend(vals)
    arr = as_floats("y", flat) if flat else np.zeros(0)
    ids = np.repeat(np.arange(len(sizes)), sizes)
    ok = np.isfinite(arr)
    cnt = np.bincount(ids[ok], minlength=len(sizes)).astype(float)
    tot = np.bincount(ids[ok], weights=arr[ok], minlength=len(sizes))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(cnt > 0, tot / cnt, np.nan)
        dev = np.bincount(ids[ok], weights=(arr[ok] - mean[ids[ok]]) ** 2, minlength=len(sizes))
        sd = np.where(cnt > 1, np.sqrt(dev / (cnt - 1)), np.nan)
    return mean, sd, cnt


def is_subgroup_list(y: Any) -> bool:
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


def positions(name: str, values: Any, n: int, strict: bool) -> np.ndarray:
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
