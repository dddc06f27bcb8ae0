"""Small pieces of plain English for the chart explanations in ``kit/spc/explain.py``.

Numbers as words, plurals that agree ("one month", "eight months", "once", "3 times"),
period names guessed from the x labels, and the verdict that follows the measure's direction
of improvement. Kept apart so every sentence gets its grammar from one place.
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


def count_of(k: int, unit: tuple[str, str]) -> str:
    """'one month', 'eight months', '21 months': the noun agrees with the number."""
    return f"{number_word(k)} {unit[0] if k == 1 else unit[1]}"


def times(k: int) -> str:
    """'once', 'twice', '3 times' (never '1 times')."""
    return {1: "once", 2: "twice"}.get(k, f"{k} times")


def be(k: int) -> str:
    """'was' for one, 'were' for several."""
    return "was" if k == 1 else "were"


def decimal(value: float) -> str:
    """9.5 for 9.5, 9 for 9.0: the expected number of crossings is often a half."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def verdict(change: int, direction: str | None) -> str:
    """How a change reads against the measure's direction of improvement.

    ``change`` is +1 for up, -1 for down. Without a known direction the sentence stays
    neutral: whether up is good depends on the measure (falls down, bundle compliance up).
    """
    if direction not in ("up", "down") or change == 0:
        return ""
    good = (change > 0) == (direction == "up")
    return ", in the direction you want" if good else ", a concern (the wrong direction)"


def unit_of(x: pd.Series) -> tuple[str, str]:
    """(singular, plural) name of a period, guessed from the x labels."""
    vals = x.dropna()
    if len(vals) < 2:
        return "point", "points"
    if isinstance(vals.iloc[0], pd.Period):
        freq = vals.iloc[0].freqstr
        for code, unit in (("M", "month"), ("W", "week"), ("D", "day"), ("Q", "quarter")):
            if freq.startswith(code):
                return unit, unit + "s"
    if pd.api.types.is_numeric_dtype(vals):
        return "point", "points"
    try:
        with warnings.catch_warnings():  # free-text labels: no format guessing noise
            warnings.simplefilter("ignore")
            ts = pd.to_datetime(vals, errors="raise")
    except (TypeError, ValueError, OverflowError, pd.errors.ParserError):
        return "point", "points"
    if pd.api.types.is_datetime64_any_dtype(ts):
        days = ts.diff().dropna().median() / pd.Timedelta(days=1)
        for lo, hi, unit in (
            (0.5, 1.5, "day"),
            (6, 8, "week"),
            (27, 32, "month"),
            (85, 95, "quarter"),
        ):
            if lo <= days <= hi:
                return unit, unit + "s"
    return "point", "points"


def label(value: Any) -> str:
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
