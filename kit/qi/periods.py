"""Reading periods and numbers the way spreadsheets write them, shared by file import and paste.

Moved here from ``kit/store/observation_import.py`` so that the pure layer (``kit.qi.paste``)
reads a pasted block with exactly the same rules as an uploaded file, without importing the
store. The accepted forms are listed in that module's docstring; in short: 2026-03,
2026-03-01, 2026/03/01, Mar 2026, March 2026, Mar-26, 03/2026, 1 Mar 2026, Excel dates, and
slash or dot dates whose day/month order is settled from the whole column (:func:`day_first`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

__all__ = [
    "MONTHS",
    "SLASH_DATE",
    "day_first",
    "expected_periods",
    "file_period",
    "is_blank",
    "missing_periods",
    "parse_number",
    "parse_period",
    "shown",
]

MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        dt.date(2000, number, 1).strftime("%b").lower(),
        dt.date(2000, number, 1).strftime("%B").lower(),
    )
} | {"sept": 9}

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:[T ].*)?")
SLASH_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[/.\-](\d{4})")
_NAMED = re.compile(r"([A-Za-z]+)\.?[\s\-/,]*(\d{4}|\d{2})")
_NAMED_DAY = re.compile(r"(\d{1,2})[\s\-/]+([A-Za-z]+)\.?[\s\-/,]*(\d{4}|\d{2})")


def is_blank(value: Any) -> bool:
    """An empty cell: ``None`` or only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def parse_number(value: Any, decimal_comma: bool) -> float:
    """A cell as a finite number, or ``ValueError``.

    With ``decimal_comma`` false, ``1,250`` is one thousand two hundred and fifty; with it true,
    ``12,5`` is twelve and a half. The caller decides which, from the whole file or block.
    """
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text) and not decimal_comma:
            text = text.replace(",", "")
        elif decimal_comma and re.fullmatch(r"[+-]?\d+,\d+", text):
            text = text.replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
            raise ValueError
        number = float(text)
    if not math.isfinite(number):
        raise ValueError
    return number


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def parse_period(value: Any, day_first: bool | None) -> dt.date:
    """A cell as a date; ``day_first`` settles slash dates.

    Raises ``LookupError`` for a slash date when ``day_first`` is ``None`` (it is ambiguous:
    ask the person) and ``ValueError`` for anything that is not a date.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if match := _ISO.fullmatch(text):
        year, month, day = match.groups()
        return dt.date(int(year), int(month), int(day or 1))
    if match := SLASH_DATE.fullmatch(text):
        first, second, year = int(match[1]), int(match[2]), _year(match[3])
        if first > 12 and second > 12:  # 13/13/2026: no month either way, so no date
            raise ValueError
        if day_first is None:
            raise LookupError
        day, month = (first, second) if day_first else (second, first)
        return dt.date(year, month, day)
    if match := _MONTH_YEAR.fullmatch(text):
        return dt.date(int(match[2]), int(match[1]), 1)
    if (match := _NAMED.fullmatch(text)) and match[1].lower() in MONTHS:
        return dt.date(_year(match[2]), MONTHS[match[1].lower()], 1)
    if (match := _NAMED_DAY.fullmatch(text)) and match[2].lower() in MONTHS:
        return dt.date(_year(match[3]), MONTHS[match[2].lower()], int(match[1]))
    raise ValueError


def day_first(cells: Sequence[Any]) -> bool | None:
    """How to read slash dates, decided from the whole column; ``None`` when it stays open.

    A first number above 12 means day-first, a second above 12 month-first; monthly data dated
    on the same day each month (01/03/2026, 01/04/2026 ...) shows which number is the day.
    """
    pairs = [
        (int(m[1]), int(m[2]))
        for c in cells
        if isinstance(c, str)
        and (m := SLASH_DATE.fullmatch(c.strip()))
        and min(int(m[1]), int(m[2])) <= 12  # one that is no date either way says nothing
    ]
    if not pairs:
        return None
    if any(a > 12 for a, _ in pairs) and not any(b > 12 for _, b in pairs):
        return True
    if any(b > 12 for _, b in pairs) and not any(a > 12 for a, _ in pairs):
        return False
    firsts = {a for a, _ in pairs}
    seconds = {b for _, b in pairs}
    if len(pairs) > 1 and len(firsts) == 1 and len(seconds) > 1:
        return True
    if len(pairs) > 1 and len(seconds) == 1 and len(firsts) > 1:
        return False
    return None


def file_period(day: dt.date, frequency: str) -> dt.date:
    """The date a period is filed under: the first of its month or quarter; weeks keep the day."""
    if frequency == "monthly":
        return day.replace(day=1)
    if frequency == "quarterly":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day


def shown(value: Any) -> str:
    """A cell as quoted in a message: trimmed, at most 30 characters."""
    text = str(value).strip()
    return text if len(text) <= 30 else text[:27] + "..."


def expected_periods(frequency: str, first: dt.date, last: dt.date) -> list[dt.date]:
    """Every period a measure should have data for, from the one holding ``first`` to the one
    holding ``last``, filed as :func:`file_period` files them (weeks step 7 days from ``first``).
    """
    periods: list[dt.date] = []
    current = file_period(first, frequency)
    end = file_period(last, frequency)
    step = {"monthly": 1, "quarterly": 3}.get(frequency)
    while current <= end:
        periods.append(current)
        if step is None:
            current += dt.timedelta(days=7)
        else:
            months = current.month - 1 + step
            current = dt.date(current.year + months // 12, months % 12 + 1, 1)
    return periods


def missing_periods(
    have: Sequence[dt.date],
    frequency: str,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> list[dt.date]:
    """The periods from ``first`` to ``last`` (default: the earliest and latest in ``have``)
    with no data, for the data-entry grid's "missing" flags."""
    if not have and (first is None or last is None):
        return []
    start = first if first is not None else min(have)
    end = last if last is not None else max(have)
    present = set(have)
    return [p for p in expected_periods(frequency, start, end) if p not in present]
