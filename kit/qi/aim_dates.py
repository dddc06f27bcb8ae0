"""Reading the date of an aim written as text: "31 July 2027", "Q3 2027", "within 12 months".

Part of the aim feedback (see ``kit/qi/aims.py``), used by ``kit/qi/aim_parse.py``. Relative
dates ("within 12 months", "by May", "the end of next year") count from the day the aim was
set, which the caller passes; a note says how such a date was read.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from kit.qi.aim_parts import add_months, date_words, word_map

__all__ = ["MONTHS", "MONTH_RE", "find_date"]

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}
#: month names and abbreviations, longest first so "september" wins over "sep"
MONTH_RE = rf"(?:{'|'.join(sorted({*MONTHS, 'sept'}, key=len, reverse=True))})\.?"


def _end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _next_end_of_month(month: int, today: dt.date) -> dt.date:
    day = _end_of_month(today.year, month)
    return day if day > today else _end_of_month(today.year + 1, month)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_date(text: str, today: dt.date) -> tuple[dt.date | None, str, tuple[int, int] | None]:
    """The aim's date, a note on how it was read, and the span to blank out before numbers.

    Read in the order a team writes dates: ISO (2027-05-31), day/month/year (31/05/2027, UK
    order unless the second number cannot be a month), "31 May 2027", "May 31, 2027",
    "May 2027" (end of that month), "the end of 2027", "Q2 2027", "within 12 months",
    "by May" (the next May), "by 2027" (end of that year).
    """
    low = text.lower()
    month = MONTH_RE
    patterns: list[tuple[str, str]] = [
        ("iso", r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"),
        ("dmy", r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b"),
        ("d_month_y", rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({month})\s*,?\s*(\d{{4}})\b"),
        ("month_d_y", rf"\b({month})\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(\d{{4}})\b"),
        ("end_month_y", rf"\b(?:the\s+)?end\s+of\s+({month})\s*,?\s*(\d{{4}})\b"),
        ("month_y", rf"\b({month})\s*,?\s*(\d{{4}})\b"),
        ("end_y", r"\b(?:the\s+)?end\s+of\s+(?:the\s+year\s+)?(\d{4})\b"),
        ("end_this_next", r"\b(?:the\s+)?end\s+of\s+(this|next)\s+year\b"),
        ("quarter", r"\bq([1-4])\s*(\d{4})\b"),
        ("season", r"\b(spring|summer|autumn|fall|winter)\s+(?:of\s+)?(\d{4})\b"),
        (
            "within",
            r"\b(?:within|in|over\s+the\s+next)\s+(\d+|a|one|two|three|six|twelve|eighteen)\s+"
            r"(years?|months?|weeks?)\b",
        ),
        ("by_month", rf"\bby\s+(?:the\s+end\s+of\s+)?({month})\b(?!\s*\d)"),
        (
            "by_year",
            r"\bby\s+(?:the\s+end\s+of\s+)?(20\d{2})\b(?!\s*(?:%|percent|per cent|[\d,.]))",
        ),
    ]
    words = {"a": 1, "one": 1, "two": 2, "three": 3, "six": 6, "twelve": 12, "eighteen": 18}
    for kind, pattern in patterns:
        match = re.search(pattern, low)
        if not match:
            continue
        g = match.groups()
        span = match.span()
        if kind == "iso":
            day = _safe_date(int(g[0]), int(g[1]), int(g[2]))
        elif kind == "dmy":
            first, second, year = int(g[0]), int(g[1]), int(g[2])
            year += 2000 if year < 100 else 0
            if second > 12 >= first:
                first, second = second, first
            day = _safe_date(year, second, first)
        elif kind == "d_month_y":
            day = _safe_date(int(g[2]), MONTHS[g[1].rstrip(".")[:3]], int(g[0]))
        elif kind == "month_d_y":
            day = _safe_date(int(g[2]), MONTHS[g[0].rstrip(".")[:3]], int(g[1]))
        elif kind in {"end_month_y", "month_y"}:
            day = _end_of_month(int(g[1]), MONTHS[g[0].rstrip(".")[:3]])
        elif kind == "end_y":
            day = dt.date(int(g[0]), 12, 31)
        elif kind == "end_this_next":
            day = dt.date(today.year + (g[0] == "next"), 12, 31)
            return day, f"read 'end of {g[0]} year' as {date_words(day)}", span
        elif kind == "quarter":
            day = _end_of_month(int(g[1]), int(g[0]) * 3)
        elif kind == "season":
            day = _end_of_month(int(g[1]), word_map("seasons")[g[0]])
            return day, f"read '{g[0]} {g[1]}' as {date_words(day)}, the end of {g[0]}", span
        elif kind == "within":
            amount = words.get(g[0]) or int(g[0])
            unit = g[1].rstrip("s")
            try:
                if unit == "week":
                    day = today + dt.timedelta(weeks=amount)
                else:
                    day = add_months(today, amount * (12 if unit == "year" else 1))
            except (OverflowError, ValueError):
                continue  # "within 99999 years" is no date a team can plan for
            return day, f"'{match.group(0)}' counted from {date_words(today)}", span
        elif kind == "by_month":
            day = _next_end_of_month(MONTHS[g[0].rstrip(".")[:3]], today)
            return day, f"read '{g[0]}' as the next {calendar.month_name[day.month]}", span
        else:  # by_year
            day = dt.date(int(g[0]), 12, 31)
        if day is not None:
            return day, "", span
    return None, "", None
