"""Reading an aim pasted as one sentence into its elements, as far as patterns allow.

Part of the aim feedback (see ``kit/qi/aims.py``). This is deliberately simple pattern
matching, not language understanding; what it cannot read is reported as missing, which is
the helpful answer for a participant either way. The words it looks for are content, in
``kit/content/aim_words.yaml``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from kit.qi.aim_parts import (
    AimParts,
    Direction,
    add_months,
    alternation,
    date_words,
    word_map,
    words,
)

__all__ = ["describes_change", "parse_free_text_aim"]


def describes_change(what: str) -> bool:
    """True when the text begins with a change to make ("train", "implement") not a result."""
    low = what.lower().strip()
    return any(re.match(rf"{verb}\b", low) for verb in words("change_verbs"))


_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}
#: month names and abbreviations, longest first so "september" wins over "sep"
_MONTH_RE = rf"(?:{'|'.join(sorted({*_MONTHS, 'sept'}, key=len, reverse=True))})\.?"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_PERCENT = r"\s*(?:%|percent\b|per\s+cent\b)"
_WORD_NUMBERS = {"zero": 0.0, "half": 0.5, "nil": 0.0, "none": 0.0}

_STOP = (
    r"(?=\s+(?:from|to|by|at|in|on|across|within|meeting|who|for|among|amongst|and)\b"
    r"|\s*[,.;:]|\s*$)"
)
#: word beginnings that say which way the aim moves its measure ("reduction", "raising")


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


def _find_date(text: str, today: dt.date) -> tuple[dt.date | None, str, tuple[int, int] | None]:
    """The aim's date, a note on how it was read, and the span to blank out before numbers.

    Read in the order a team writes dates: ISO (2027-05-31), day/month/year (31/05/2027, UK
    order unless the second number cannot be a month), "31 May 2027", "May 31, 2027",
    "May 2027" (end of that month), "the end of 2027", "Q2 2027", "within 12 months",
    "by May" (the next May), "by 2027" (end of that year).
    """
    low = text.lower()
    month = _MONTH_RE
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
            r"\bwithin\s+(\d+|a|one|two|three|six|twelve|eighteen)\s+(years?|months?|weeks?)\b",
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
            day = _safe_date(int(g[2]), _MONTHS[g[1].rstrip(".")[:3]], int(g[0]))
        elif kind == "month_d_y":
            day = _safe_date(int(g[2]), _MONTHS[g[0].rstrip(".")[:3]], int(g[1]))
        elif kind in {"end_month_y", "month_y"}:
            day = _end_of_month(int(g[1]), _MONTHS[g[0].rstrip(".")[:3]])
        elif kind == "end_y":
            day = dt.date(int(g[0]), 12, 31)
        elif kind == "end_this_next":
            day = dt.date(today.year + (g[0] == "next"), 12, 31)
            return day, f"read 'end of {g[0]} year' as {date_words(day)}", span
        elif kind == "quarter":
            day = _end_of_month(int(g[1]), int(g[0]) * 3)
        elif kind == "season":
            day = _end_of_month(int(g[1]), word_map("seasons")[g[0]])
            return day, f"read '{g[0]} {g[1]}' as the end of {date_words(day)}", span
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
            return day, f"{match.group(0)} of today", span
        elif kind == "by_month":
            day = _next_end_of_month(_MONTHS[g[0].rstrip(".")[:3]], today)
            return day, f"read '{g[0]}' as the next {calendar.month_name[day.month]}", span
        else:  # by_year
            day = dt.date(int(g[0]), 12, 31)
        if day is not None:
            return day, "", span
    return None, "", None


def _parse_number(raw: str) -> float:
    return _WORD_NUMBERS[raw] if raw in _WORD_NUMBERS else float(raw.replace(",", ""))


def _unit_after(text: str) -> str:
    """Words after the target that name its unit ("days", "falls per 1,000 patient-days")."""
    match = re.match(
        rf"\s*((?:[a-z][\w'-]*|per|\d[\d,]*)(?:\s+(?:[a-z][\w'-]*|\d[\d,]*)){{0,4}}?){_STOP}", text
    )
    if not match:
        return ""
    unit = match.group(1).strip()
    if unit.split()[0] in {"by", "for", "at", "in", "on", "among", "within", "across", "and"}:
        return ""
    return unit


@dataclass
class _Numbers:
    baseline: float | None = None
    target: float | None = None
    unit: str = ""
    relative: float | None = None
    start: int | None = None

    def __bool__(self) -> bool:
        return self.start is not None


def _find_numbers(text: str) -> _Numbers:
    """Baseline, target, unit and relative change from the usual ways teams write them."""
    low = text.lower()
    num = rf"({_NUM}|zero|nil|none)"
    found = _Numbers()
    match = re.search(
        rf"\bfrom\s+(?:an?\s+)?(?:average\s+of\s+|mean\s+of\s+|about\s+|around\s+)?{num}({_PERCENT})?"
        rf"(?:\s+[a-z-]+(?:\s+per\s+[\d,]+\s+[a-z-]+)?)?\s+(?:down\s+|up\s+)?to\s+(?:less than\s+|under\s+|below\s+|over\s+|above\s+|at least\s+)?{num}({_PERCENT})?",
        low,
    )
    if match:
        found.baseline = _parse_number(match.group(1))
        found.target = _parse_number(match.group(3))
        if match.group(2) or match.group(4):
            found.unit = "%"
        else:
            found.unit = _unit_after(low[match.end() :])
        found.start = match.start()
        return found
    match = re.search(rf"\bby\s+({_NUM}){_PERCENT}", low) or re.search(
        rf"\b({_NUM}){_PERCENT}\s+(?:reduction|decrease|increase|improvement|fewer|less|more|drop|rise)\b",
        low,
    )
    if match:
        found.relative = float(match.group(1).replace(",", "")) / 100
        found.start = match.start()
        return found
    match = re.search(r"\b(halve|by half|in half)\b", low)
    if match:
        found.relative, found.start = 0.5, match.start()
        return found
    match = re.search(r"\bdouble\b", low)
    if match:
        found.relative, found.start = 1.0, match.start()
        return found
    match = re.search(
        rf"\bto\s+(?:less than\s+|under\s+|below\s+|over\s+|above\s+|at least\s+)?{num}({_PERCENT})?",
        low,
    )
    if match:
        found.target = _parse_number(match.group(1))
        found.unit = "%" if match.group(2) else _unit_after(low[match.end() :])
        found.start = match.start()
        return found
    match = re.search(rf"\b({_NUM})({_PERCENT})", low)
    if match:
        found.target = float(match.group(1).replace(",", ""))
        found.unit = "%"
        found.start = match.start()
    return found


def _find_where(text: str) -> str:
    """A setting: "on ward 4", "in the ICU", "at Riverside Clinic", "from St Mary's Hospital"."""
    patterns = (
        # a preposition, up to four words, then a setting word, optionally a ward number
        rf"(?i:\b(?:at|in|on|across|within|throughout)\s+(?:(?:the|our|all|every|each|its|"
        rf"their|\d+|two|three|four|five|six|ten)\s+)*(?:[\w'&-]+\s+){{0,4}}?(?:{alternation('setting')})\b"
        rf"(?:\s+(?:\d+\w?|[a-z]\b))?)",
        # a capitalised name ending in a setting word after at/from/of/in
        rf"\b(?:at|from|of|in)\s+(?:St\.?\s+)?[A-Z][\w'-]*(?:\s+(?:[A-Z][\w'-]*|of|&))*"
        rf"\s+(?i:{alternation('setting')})\b",
        # any capitalised name after "at"
        r"\bat\s+(?:St\.?\s+)?[A-Z][\w'-]*(?:\s+(?:[A-Z][\w'-]*|of|&))*",
    )
    for pattern in patterns:
        match = re.search(pattern, text)
        if match:
            return match.group(0).strip()
    return ""


def _find_for_whom(text: str) -> str:
    """A population: "patients with diabetes", "residents of Oak Lodge", "everyone"."""
    match = re.search(
        rf"\b((?:(?:{alternation('population_qualifiers')})\s+)*(?:{alternation('population')})\b"
        rf"(?:\s+(?:with|aged|over|under|having|receiving|undergoing|admitted|discharged|"
        rf"of|living|attending|registered)\s+.*?)?){_STOP}",
        text,
        flags=re.IGNORECASE,
    )
    if match:
        return match.group(1).strip()
    match = re.search(r"\bfor\s+(everyone|everybody|all|anyone|people|us)\b", text, re.I)
    return match.group(1) if match else ""


_LEAD_IN = re.compile(
    r"^(?:(?:our\s+|the\s+)?aim(?:\s+is)?\s*[:-]?\s*|we\s+(?:aim|plan|want|will\s+aim)\s+to\s+|"
    r"we\s+will\s+|to\s+)",
    re.IGNORECASE,
)


def _find_what(text: str, cut_at: int) -> str:
    """The result phrase: the aim up to its numbers, date, population clause or place."""
    head = text[:cut_at]
    head = re.split(
        r"\s+(?:within|before|as soon as|soon|by the end|for|among|amongst|on ward|at [A-Z])\b",
        head,
        maxsplit=1,
    )[0]
    head = re.sub(
        rf"\s+(?:{'|'.join(words('vague_amount'))})$", "", head.strip(" ,.;:"), flags=re.I
    )
    return head.strip(" ,.;:")


def parse_free_text_aim(text: str, *, today: dt.date | None = None) -> AimParts:
    """Read an aim written as one sentence into its elements, as far as patterns allow.

    This is deliberately simple pattern matching, not language understanding: it finds
    numbers ("from 50% to 75%", "from 53 to 26 days", "by 30%", "to zero"), dates (see
    :func:`_find_date`), vague words ("some", "soon"), a population ("patients with
    diabetes") and a setting ("on ward 4", "at Riverside Clinic"). What it cannot find is
    reported as missing, which is the helpful answer for a participant either way.
    """
    today = today or dt.date.today()
    clean = _LEAD_IN.sub("", " ".join(text.split()))
    low = clean.lower()
    by_when, date_note, span = _find_date(clean, today)
    masked = clean
    if span is not None:
        masked = clean[: span[0]] + " " * (span[1] - span[0]) + clean[span[1] :]
    numbers = _find_numbers(masked)

    vague: dict[str, str] = {}
    if by_when is None:
        for phrase in words("vague_time"):
            if re.search(rf"\b{re.escape(phrase)}\b", low):
                vague["by_when"] = phrase
                break
        season = re.search(r"\b(spring|summer|autumn|fall|winter)\b", low)
        if season and "by_when" not in vague:
            vague["by_when"] = season.group(1)
    if not numbers:
        for phrase in (*words("vague_amount"), *words("vague_direction")):
            if re.search(rf"\b{re.escape(phrase)}\b", low):
                vague["how_much"] = phrase
                break

    direction: Direction | None = None
    # the first word that says which way decides; "improve" does not, the numbers then do
    verb = re.search(rf"\b(?:{'|'.join((*words('up_stems'), *words('down_stems')))})\w*", low)
    if verb:
        direction = "down" if verb.group(0).startswith(words("down_stems")) else "up"
    if (
        direction is None
        and numbers.baseline is not None
        and numbers.target is not None
        and numbers.target != numbers.baseline
    ):
        direction = "up" if numbers.target > numbers.baseline else "down"
    if direction is None and numbers.target == 0.0:
        direction = "down"

    cuts = [len(clean)]
    if numbers.start is not None:
        cuts.append(numbers.start)
    if span is not None:
        cuts.append(span[0])
    return AimParts(
        what=_find_what(clean, min(cuts)),
        for_whom=_find_for_whom(masked),
        where=_find_where(masked),
        baseline=numbers.baseline,
        target=numbers.target,
        unit=numbers.unit,
        direction=direction,
        by_when=by_when,
        relative_target=numbers.relative,
        vague=vague,
        change_not_result=describes_change(clean) and not numbers,
        date_note=date_note,
    )
