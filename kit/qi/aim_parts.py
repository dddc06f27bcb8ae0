"""The aim's elements as values, the verdicts on them, and the words and numbers they are read in.

Shared by the three halves of the aim feedback: ``kit/qi/aim_compose.py`` writes the sentence,
``kit/qi/aim_parse.py`` reads a pasted aim, ``kit/qi/aim_review.py`` judges each element.
``kit/qi/aims.py`` re-exports the public names, so callers import from one place.

The word lists (vague words, verbs, units, populations, settings) are content, not code:
they live in ``kit/content/aim_words.yaml`` so a facilitator can add the words their teams use.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from kit.content import collaborative_length, load

__all__ = [
    "ELEMENTS",
    "ELEMENT_LABELS",
    "AimFinding",
    "AimParts",
    "AimReview",
    "Direction",
    "Element",
    "Status",
    "Stretch",
]

Element = Literal["what", "how_much", "by_when", "for_whom", "where"]
Status = Literal["ok", "weak", "missing"]
Direction = Literal["up", "down"]

#: the five elements in the order the builder shows them
ELEMENTS: tuple[Element, ...] = ("what", "how_much", "by_when", "for_whom", "where")

ELEMENT_LABELS: dict[str, str] = {
    "what": "What",
    "how_much": "How much",
    "by_when": "By when",
    "for_whom": "For whom",
    "where": "Where",
}

#: relative improvement below which an aim is "timid". A BTS aim is a stretch goal: small
#: goals can be met by working harder within today's system, big ones force a redesign.
#: IHI faculty commonly suggest goals of 30-50% improvement; we flag under 20% as timid and
#: leave 20-30% as acceptable but modest, to avoid scolding teams on hard outcome measures
#: (readmissions typically fall 5-20%).
TIMID_BELOW = 0.20
MODEST_BELOW = 0.30
#: an aim due sooner than this leaves no time for several PDSA ramps and months of data
MIN_MONTHS_AHEAD = 3
#: an aim due after a collaborative's longest usual length outlives it (the length, with its
#: source, is kit.content.collaborative_length())
MAX_MONTHS_AHEAD = int(collaborative_length()["max"])


@dataclass(frozen=True)
class AimFinding:
    """One element's verdict: ``ok``, ``weak`` (present but needs work) or ``missing``."""

    element: Element
    status: Status
    message: str

    @property
    def label(self) -> str:
        return ELEMENT_LABELS[self.element]


@dataclass(frozen=True)
class Stretch:
    """How far the target moves from the baseline, and whether that is a stretch.

    ``relative`` is the change as a share of the baseline (0.5 = 50%), in the direction of
    improvement. ``gap_closed`` is, for percentages, the share of the distance to 100% (going
    up) or to 0% (going down) that the target closes: 90% -> 95% is 5 percentage points and
    closes half the gap; for percentages the gap closed decides, for other units the
    relative change. ``verdict`` is one of ``timid``, ``modest``, ``stretch``,
    ``impossible``, ``wrong_direction``, ``unknown``.
    """

    verdict: Literal["timid", "modest", "stretch", "impossible", "wrong_direction", "unknown"]
    message: str
    relative: float | None = None
    gap_closed: float | None = None
    #: the kind of measure the thresholds came from (``kit/content/aim_stretch.yaml``)
    kind: str = "default"


@dataclass(frozen=True)
class AimParts:
    """The elements of an aim as plain values, whether typed in a form or read from text.

    ``relative_target`` holds a change stated without numbers on both ends ("by 30%").
    ``vague`` records vague words found per element ("some", "soon"), so messages can quote
    them. ``change_not_result`` marks an aim that names a change ("implement an EMR").
    """

    what: str = ""
    for_whom: str = ""
    where: str = ""
    baseline: float | None = None
    target: float | None = None
    unit: str = ""
    direction: Direction | None = None
    by_when: dt.date | None = None
    relative_target: float | None = None
    vague: dict[str, str] = field(default_factory=dict)
    change_not_result: bool = False
    date_note: str = ""
    #: how numbers were read when the reader had to work them out ("by 50% from 6 -> 3")
    number_note: str = ""
    #: element -> what the reader found but could not read, asked back to the team
    unsure: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AimReview:
    """Feedback on an aim: one finding per element, whether it passes, and a summary.

    ``passes`` is true when all five elements are ``ok``. ``stretch`` is the baseline-to-
    target check (``None`` without both numbers). ``parts`` is what the review read, which
    the app uses to pre-fill the builder from a pasted aim. ``sentence`` is the composed aim.
    """

    findings: list[AimFinding]
    passes: bool
    summary: str
    stretch: Stretch | None = None
    parts: AimParts | None = None
    sentence: str = ""

    def finding(self, element: str) -> AimFinding:
        """The finding for one element, by name."""
        for item in self.findings:
            if item.element == element:
                return item
        raise KeyError(element)

    @property
    def status(self) -> dict[str, Status]:
        """Element -> status, handy for colouring the builder's fields."""
        return {f.element: f.status for f in self.findings}


# --- words and numbers -----------------------------------------------------------------------


def words(key: str) -> tuple[str, ...]:
    """One word list from ``kit/content/aim_words.yaml``, as a tuple (the file is cached).

    YAML reads a bare ``on`` or ``no`` as a boolean, so anything but text is refused here
    rather than silently matched as "True".
    """
    values = load("aim_words")[key]
    if not all(isinstance(w, str) for w in values):
        raise TypeError(f"aim_words.yaml: every entry of '{key}' must be quoted text")
    return tuple(values)


def word_map(key: str) -> dict[str, Any]:
    """One mapping from ``kit/content/aim_words.yaml`` (seasons -> month)."""
    return dict(load("aim_words")[key])


def alternation(key: str) -> str:
    """A regex list from the content file joined as one alternation, ``a|b|c``."""
    return "|".join(words(key))


def is_percent(unit: str) -> bool:
    return unit.strip().lower() in set(words("percent_units"))


def number(value: float) -> str:
    """50.0 -> '50', 7.70 -> '7.7', 1000 -> '1,000': numbers as a participant writes them."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def quantity(value: float, unit: str) -> str:
    if not unit:
        return number(value)
    if is_percent(unit):
        return f"{number(value)}%"
    return f"{number(value)} {unit.strip()}"


def from_to(baseline: float, target: float, unit: str) -> str:
    """ "50% to 75%", but "7.7 to 1.1 infections per 1,000 line-days": the unit said once."""
    start = quantity(baseline, unit) if is_percent(unit) else number(baseline)
    return f"{start} to {quantity(target, unit)}"


def date_words(day: dt.date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def article(spoken: str) -> str:
    """'a' or 'an' before a number or word as it is spoken: "an 18%", "an 8-week", "a 6%"."""
    text = spoken.strip().lower()
    digits = re.match(r"[\d,]+", text)
    if digits:
        whole = digits.group(0).replace(",", "")
        # eight, eleven, eighteen, eighty... and 11,000 / 18,000 spoken "eleven/eighteen thousand"
        lead = whole[:2] if len(whole) % 3 == 2 else whole[:1]
        return "an" if whole.startswith("8") or lead in {"11", "18"} else "a"
    return "an" if text[:1] in set("aeiou") else "a"


def plural(count: float, word: str, many: str | None = None) -> str:
    """ "1 time", "2 times", "1 week": the count and the word in the right number."""
    return f"{number(count)} {word if count == 1 else (many or word + 's')}"


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
