"""Reading one spreadsheet cell as a number or a period, the way teams write them.

The importer (``kit/store/observation_import.py``) reads files and its docstring lists the
number and date forms accepted; this module reads the cells. Everything here is pure: a cell in, a
value out, or ``ValueError`` (``LookupError`` for a date that could be day/month or
month/day).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        dt.date(2000, number, 1).strftime("%b").lower(),
        dt.date(2000, number, 1).strftime("%B").lower(),
    )
} | {"sept": 9}


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_number(value: Any, decimal_comma: bool) -> float:
    """A cell as a finite number, or ValueError."""
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


_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:[T ].*)?")
_SLASH = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[/.\-](\d{4})")
_NAMED = re.compile(r"([A-Za-z]+)\.?[\s\-/,]*(\d{4}|\d{2})")
_NAMED_DAY = re.compile(r"(\d{1,2})[\s\-/]+([A-Za-z]+)\.?[\s\-/,]*(\d{4}|\d{2})")


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def read_period(value: Any, day_first: bool | None) -> dt.date:
    """A cell as a date; ``day_first`` settles slash dates (None: they are ambiguous)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if match := _ISO.fullmatch(text):
        year, month, day = match.groups()
        return dt.date(int(year), int(month), int(day or 1))
    if match := _SLASH.fullmatch(text):
        first, second, year = int(match[1]), int(match[2]), _year(match[3])
        if day_first is None:
            raise LookupError
        day, month = (first, second) if day_first else (second, first)
        return dt.date(year, month, day)
    if match := _MONTH_YEAR.fullmatch(text):
        return dt.date(int(match[2]), int(match[1]), 1)
    if (match := _NAMED.fullmatch(text)) and match[1].lower() in _MONTHS:
        return dt.date(_year(match[2]), _MONTHS[match[1].lower()], 1)
    if (match := _NAMED_DAY.fullmatch(text)) and match[2].lower() in _MONTHS:
        return dt.date(_year(match[3]), _MONTHS[match[2].lower()], int(match[1]))
    raise ValueError


def guess_day_first(cells: Sequence[Any]) -> bool | None:
    """Decide how to read slash dates from the whole column (see the module docstring)."""
    pairs = [
        (int(m[1]), int(m[2]))
        for c in cells
        if isinstance(c, str) and (m := _SLASH.fullmatch(c.strip()))
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
    if frequency == "monthly":
        return day.replace(day=1)
    if frequency == "quarterly":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day


def shown_cell(value: Any) -> str:
    text = str(value).strip()
    return text if len(text) <= 30 else text[:27] + "..."
