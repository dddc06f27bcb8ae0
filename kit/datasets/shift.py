"""Moving a workbook through time by whole months, so the demo is always current.

The demo collaborative is shipped with fixed dates (``datasets/demo-collaborative.json`` stays
deterministic), but a demo whose aims were due last year is flagged "already passed" by the
aim review and shows a collaborative that ended long ago. ``kit.demo.load_demo`` therefore
moves every date of the workbook by the same number of months before importing it.

Whole months keep the story intact: each observation stays on the first of its month, a
month-end stays a month-end (an action period ending 31 May ends 30 June a month later),
learning sessions keep their day of the month, and the order and spacing of every event is
unchanged. Dates are found in three places: ISO values (``2026-02-03``, ``2026-02``,
``2026-02-25T10:00:00Z``), record ids built from a month (``report-team-x-202602``; moved
too, so that an app that builds the id of a month's record finds the moved one), and dates
written in words in prose (``by March 2027``, ``from 06 February 2026``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

MONTH_NAMES = list(calendar.month_name)[1:]
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})([T ].*)$")
#: a month inside an id: 2026-02 or 202602 (optionally followed by a day), never inside a
#: longer run of digits
_ID_MONTH = re.compile(r"(?<!\d)((?:19|20)\d\d)(-?)(0[1-9]|1[0-2])(?=\d\d(?!\d)|(?!\d))")
_WORDS = re.compile(r"\b(?:(\d{1,2}) )?(" + "|".join(MONTH_NAMES) + r") ((?:19|20)\d\d)\b")


def months_between(first: dt.date, second: dt.date) -> int:
    """Whole calendar months from ``first``'s month to ``second``'s (negative if earlier)."""
    return (second.year - first.year) * 12 + second.month - first.month


def shift_date(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months``: the same day of the month (clamped to the month's last
    day), and a month's last day stays the last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    was_last = day.day == calendar.monthrange(day.year, day.month)[1]
    return dt.date(year, month, last if was_last else min(day.day, last))


def _shift_month_text(year: str, month: str, months: int) -> tuple[int, int]:
    moved = shift_date(dt.date(int(year), int(month), 1), months)
    return moved.year, moved.month


def shift_value(text: str, months: int, *, is_id: bool = False) -> str:
    """One string of a workbook with every date in it moved by ``months``."""
    if match := _DATE.match(text):
        return shift_date(dt.date(*map(int, match.groups())), months).isoformat()
    if match := _DATETIME.match(text):
        year, month, day, rest = match.groups()
        return shift_date(dt.date(int(year), int(month), int(day)), months).isoformat() + rest
    if match := _MONTH.match(text):
        year, month = _shift_month_text(*match.groups(), months)
        return f"{year:04d}-{month:02d}"
    if is_id:

        def moved_id(found: re.Match[str]) -> str:
            year, month = _shift_month_text(found.group(1), found.group(3), months)
            return f"{year:04d}{found.group(2)}{month:02d}"

        return _ID_MONTH.sub(moved_id, text)

    def moved_words(found: re.Match[str]) -> str:
        day, name, year = found.groups()
        month = MONTH_NAMES.index(name) + 1
        if day is None:
            y, m = _shift_month_text(year, str(month), months)
            return f"{MONTH_NAMES[m - 1]} {y}"
        last = calendar.monthrange(int(year), month)[1]
        moved = shift_date(dt.date(int(year), month, min(int(day), last)), months)
        return f"{moved.day:0{len(day)}d} {MONTH_NAMES[moved.month - 1]} {moved.year}"

    return _WORDS.sub(moved_words, text)


def _is_id_key(key: str) -> bool:
    return key == "id" or key.endswith(("_id", "_ids"))


def shift_workbook(data: Any, months: int, *, _is_id: bool = False) -> Any:
    """A copy of a workbook (``kit/store/workbook.py``'s JSON form) with every date moved by
    ``months``; ``months == 0`` returns an equal copy."""
    if isinstance(data, dict):
        return {
            key: shift_workbook(value, months, _is_id=_is_id_key(str(key)))
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [shift_workbook(item, months, _is_id=_is_id) for item in data]
    if isinstance(data, str) and months:
        return shift_value(data, months, is_id=_is_id)
    return data
