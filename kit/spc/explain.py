"""Plain-language explanations of chart signals, written for participants, not statisticians.

Each signal becomes one sentence that says what was seen, why it matters (unlikely by
chance alone) and where it started, e.g. "Eight months in a row were below the median:
that is unlikely by chance alone, so something changed around March 2024."
"""

from __future__ import annotations

import datetime as _dt
import warnings
from typing import Any

import numpy as np
import pandas as pd

_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]


def number_word(k: int) -> str:
    """'eight' for 8; digits above twenty."""
    return _WORDS[k] if 0 <= k < len(_WORDS) else str(k)


def _unit(x: pd.Series) -> tuple[str, str]:
    """(singular, plural) name of a period, guessed from the x labels."""
    vals = x.dropna()
    if len(vals) >= 2:
        if isinstance(vals.iloc[0], pd.Period):
            freq = vals.iloc[0].freqstr
            for code, unit in (("M", "month"), ("W", "week"), ("D", "day"), ("Q", "quarter")):
                if freq.startswith(code):
                    return unit, unit + "s"
        try:
            with warnings.catch_warnings():  # free-text labels: no format guessing noise
                warnings.simplefilter("ignore")
                ts = pd.to_datetime(vals, errors="raise")
        except (TypeError, ValueError, OverflowError, pd.errors.ParserError):
            ts = None
        if (
            ts is not None
            and pd.api.types.is_datetime64_any_dtype(ts)
            and not (pd.api.types.is_numeric_dtype(vals))
        ):
            step = ts.diff().dropna().median()
            days = step / pd.Timedelta(days=1)
            for lo, hi, unit in (
                (0.5, 1.5, "day"),
                (6, 8, "week"),
                (27, 32, "month"),
                (85, 95, "quarter"),
            ):
                if lo <= days <= hi:
                    return unit, unit + "s"
    return "point", "points"


def _label(value: Any) -> str:
    """A period label for a sentence: 'March 2024' for dates, the label itself otherwise."""
    if isinstance(value, pd.Timestamp | _dt.date | np.datetime64):
        ts = pd.Timestamp(value)
        if ts.day == 1 and ts.hour == 0:
            return ts.strftime("%B %Y")
        return ts.strftime("%d %B %Y").lstrip("0")
    if isinstance(value, pd.Period):
        if value.freqstr.startswith("M"):
            return value.strftime("%B %Y")
        return str(value)
    if isinstance(value, int | np.integer):
        return f"point {int(value) + 1}"
    return str(value)


def _episodes(
    flags: np.ndarray, phase: np.ndarray, side: np.ndarray, neutral: np.ndarray
) -> list[tuple[int, int, int]]:
    """(first row, last row, number of flagged rows) of each signal episode.

    Flagged rows belong to one episode while they stay in one phase, on one side, and only
    neutral rows (missing, excluded, on the centre line) lie between them: those neither
    count nor break a run.
    """
    out: list[tuple[int, int, int]] = []
    start = last = -1
    count = 0
    for i in np.flatnonzero(flags).tolist():
        joined = (
            last >= 0
            and phase[i] == phase[last]
            and side[i] == side[last]
            and bool(neutral[last + 1 : i].all())
        )
        if joined:
            last = i
            count += 1
            continue
        if last >= 0:
            out.append((start, last, count))
        start = last = i
        count = 1
    if last >= 0:
        out.append((start, last, count))
    return out


def explain_signal(
    rule: str,
    *,
    count: int = 1,
    side: str = "above",
    start: str = "",
    unit: tuple[str, str] = ("point", "points"),
    centre: str = "centre line",
) -> str:
    """One sentence for one signal. ``rule`` is a column name of ``SPCResult.points``."""
    one, many = unit
    k = number_word(count).capitalize()
    if count == 1:
        many = one
    when = f" around {start}" if start else ""
    if rule in ("long_run", "shift", "we4"):
        return (
            f"{k} {many} in a row were {side} the {centre}: that is unlikely by chance "
            f"alone, so something changed{when}."
        )
    if rule == "trend":
        direction = "up" if side == "above" else "down"
        return (
            f"{k} {many} in a row went {direction}: a steady drift like this is unlikely "
            f"by chance alone, so the process may be changing{when}."
        )
    if rule in ("sigma_signal", "we1", "outside"):
        where = "above the upper" if side == "above" else "below the lower"
        return (
            f"The value for {start} is {where} limit: a value this far out is unlikely by "
            "chance alone; look for what was special about it."
        )
    if rule in ("two_of_three", "we2"):
        return (
            f"Two of three {many} in a row were far {side} the {centre} (beyond two "
            f"sigma){when}: an early warning that the process may have moved."
        )
    if rule == "we3":
        return (
            f"Four of five {many} in a row were {side} the {centre} by more than one "
            f"sigma{when}: a moderate but real shift is likely."
        )
    if rule == "hugging":
        return (
            f"{k} {many} in a row stayed very close to the {centre}{when}: less variation "
            "than the limits expect. Check whether the limits were computed from mixed data "
            "or whether the data were smoothed."
        )
    raise ValueError(f"No explanation for rule {rule!r}")


_RULE_COLUMNS = {
    "anhoej": ("sigma_signal", "long_run"),
    "ihi": ("sigma_signal", "shift", "trend", "two_of_three", "hugging"),
    "nhs": ("sigma_signal", "shift", "trend", "two_of_three"),
    "western_electric": ("we1", "we2", "we3", "we4"),
}


def explain(result: Any) -> list[str]:
    """Sentences for every signal in an :class:`~kit.spc.SPCResult`, plus its messages."""
    pts = result.points
    if pts.empty:
        return ["There are no data to read yet."]
    unit = _unit(pts["x"])
    centre = "median" if result.chart in ("run", "g") else "centre line"
    phase = pts["phase"].to_numpy()
    y = pts["y"].to_numpy(float)
    cl = pts["cl"].to_numpy(float)
    x = pts["x"].tolist()
    out: list[str] = []
    with np.errstate(invalid="ignore"):
        side = np.sign(y - cl)
    neutral = ~np.isfinite(y) | (side == 0) | pts["excluded"].to_numpy(bool)
    for col in _RULE_COLUMNS[result.rules]:
        if col not in pts or (col in ("sigma_signal", "we1") and result.chart == "run"):
            continue
        flags = pts[col].to_numpy(bool)
        if col in ("sigma_signal", "we1"):
            for i in np.flatnonzero(flags).tolist():
                out.append(
                    explain_signal(
                        col,
                        side="above" if y[i] > cl[i] else "below",
                        start=_label(x[i]),
                        unit=unit,
                        centre=centre,
                    )
                )
            continue
        if col == "trend":
            trend_side = np.ones(len(y))  # a trend may cross the centre line
            episodes = _episodes(flags, phase, trend_side, ~np.isfinite(y))
        else:
            episodes = _episodes(flags, phase, side, neutral)
        for a, b, count in episodes:
            if col == "trend":
                seg = y[a : b + 1][np.isfinite(y[a : b + 1])]
                where = "above" if seg[-1] >= seg[0] else "below"
            else:
                where = "above" if side[a] > 0 else "below"
            out.append(
                explain_signal(
                    col, count=count, side=where, start=_label(x[a]), unit=unit, centre=centre
                )
            )
    ph = result.phases
    multi = len(ph) > 1
    for _, row in ph.iterrows():
        where = f" in phase {int(row['phase']) + 1}" if multi else ""
        if result.rules == "anhoej" and bool(row.get("crossings_signal", False)):
            out.append(
                f"The data crossed the {centre} only {int(row['n_crossings'])} times{where} "
                f"(at least {int(row['n_crossings_min'])} are expected by chance with "
                f"{int(row['n_useful'])} {unit[1]}): the data stay on one side for too long, "
                "so the process has probably changed."
            )
        if result.rules == "ihi" and bool(row.get("too_few_runs", False)):
            out.append(
                f"There are only {int(row['n_runs'])} runs{where} where chance alone gives at "
                f"least {int(row['runs_lower'])}: the data cluster on one side, a sign of a shift."
            )
        if result.rules == "ihi" and bool(row.get("too_many_runs", False)):
            out.append(
                f"There are {int(row['n_runs'])} runs{where}, more than the {int(row['runs_upper'])}"
                " chance alone gives: the data zig-zag too regularly, which often means two "
                "processes (shifts, machines, wards) are mixed in one chart."
            )
    if not out:
        out.append(
            "No signal: the ups and downs are what chance alone would give (common-cause "
            "variation). Keep plotting and avoid reacting to single points."
        )
    return out + list(result.messages)
