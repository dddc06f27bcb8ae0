"""Formative feedback on a team's aim: one sentence from its elements, and what is missing.

An effective aim states **what** improves, **how much** (a numeric baseline and target),
**by when**, **for whom** and **where** (IHI, "How to Improve: Setting Aims"). "Some is not a
number; soon is not a time." The aim builder keeps the elements apart (``records.Aim``) so
the feedback can name the one that is missing; a participant may also paste an aim written
elsewhere, and :func:`review_free_text_aim` reads it with simple patterns and gives the same
feedback. Both paths share one set of element checks, so the messages are identical.

Thresholds are keyword arguments with documented defaults: a facilitator who wants a
different stretch rule changes a parameter, not the code.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from kit.qi.records import Aim, Measure

__all__ = [
    "ELEMENTS",
    "ELEMENT_LABELS",
    "AimFinding",
    "AimParts",
    "AimReview",
    "Stretch",
    "check_stretch",
    "compose_aim",
    "parse_free_text_aim",
    "review_aim",
    "review_free_text_aim",
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
#: a collaborative runs about 6-18 months; an aim due later outlives it
MAX_MONTHS_AHEAD = 18


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
    improvement. ``gap_closed`` is, for percentages that go up, the share of the distance to
    100% that the target closes: 90% -> 95% is only 6% relative but closes half the gap, so
    the larger of the two decides. ``verdict`` is one of ``timid``, ``modest``, ``stretch``,
    ``impossible``, ``wrong_direction``, ``unknown``.
    """

    verdict: Literal["timid", "modest", "stretch", "impossible", "wrong_direction", "unknown"]
    message: str
    relative: float | None = None
    gap_closed: float | None = None


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


# --- composing the sentence ----------------------------------------------------------------

_UP_VERBS = ("increase", "raise", "improve", "double", "triple", "grow", "boost", "achieve")
_DOWN_VERBS = ("reduce", "decrease", "lower", "cut", "halve", "eliminate", "shorten", "prevent")
_PERCENT_UNITS = {"%", "percent", "per cent", "pct"}


def _is_percent(unit: str) -> bool:
    return unit.strip().lower() in _PERCENT_UNITS


def _number(value: float) -> str:
    """50.0 -> '50', 7.70 -> '7.7', 1000 -> '1,000': numbers as a participant writes them."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def _quantity(value: float, unit: str) -> str:
    if not unit:
        return _number(value)
    if _is_percent(unit):
        return f"{_number(value)}%"
    return f"{_number(value)} {unit.strip()}"


def _from_to(baseline: float, target: float, unit: str) -> str:
    """ "50% to 75%", but "7.7 to 1.1 infections per 1,000 line-days": the unit said once."""
    start = _quantity(baseline, unit) if _is_percent(unit) else _number(baseline)
    return f"{start} to {_quantity(target, unit)}"


def _date_words(day: dt.date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


_LEAD_VERBS = {
    *_UP_VERBS,
    *_DOWN_VERBS,
    *[
        "make",
        "ensure",
        "get",
        "keep",
        "have",
        "bring",
        "reach",
        "sustain",
        "maintain",
        "implement",
        "introduce",
    ],
}


def _starts_with_verb(text: str) -> bool:
    """True when the team began *what* with their own verb, which the sentence then keeps."""
    first = text.split(maxsplit=1)[0].lower() if text.split() else ""
    return first in _LEAD_VERBS or first.removesuffix("s") in _LEAD_VERBS


_PREPOSITIONS = ("at ", "in ", "on ", "across ", "within ", "throughout ", "for ")


def _is_blank(parts: AimParts) -> bool:
    """No element filled in at all."""
    texts = (parts.what, parts.for_whom, parts.where)
    numbers = (parts.baseline, parts.target, parts.relative_target)
    return not any(t.strip() for t in texts) and parts.by_when is None and numbers == (None,) * 3


def _infer_direction(parts: AimParts) -> Direction | None:
    if parts.direction:
        return parts.direction
    if parts.baseline is not None and parts.target is not None:
        if parts.target > parts.baseline:
            return "up"
        if parts.target < parts.baseline:
            return "down"
    return None


def compose_aim(aim: Aim | AimParts, *, placeholders: bool = True) -> str:
    """One readable sentence from the aim's elements, composed live as the team types.

    The verb follows the direction ("Increase ... from X to Y" when higher is better,
    "Reduce ... from X to Y" when lower is better); if the team already began *what* with a
    verb ("raise the share of ...") their verb is kept. Missing elements show as bracketed
    placeholders (``[for whom]``) so the sentence itself shows what is left to write; pass
    ``placeholders=False`` for a clean sentence that leaves them out.
    """
    parts = _parts_from_aim(aim) if isinstance(aim, Aim) else aim
    direction = _infer_direction(parts)
    if _is_blank(parts) and not placeholders:
        return ""

    def hole(name: str) -> str:
        return f"[{name}]" if placeholders else ""

    what = parts.what.strip().rstrip(".")
    if what and _starts_with_verb(what):
        head = what[0].upper() + what[1:]
    else:
        verb = {"up": "Increase", "down": "Reduce"}.get(direction or "", "Improve")
        head = f"{verb} {what or hole('what will improve')}".strip()
    words = [head]

    unit = parts.unit
    if parts.baseline is not None and parts.target is not None:
        words.append(f"from {_from_to(parts.baseline, parts.target, unit)}")
    elif parts.target is not None:
        words.append(f"from {hole('baseline')} to {_quantity(parts.target, unit)}".strip())
    elif parts.relative_target is not None:
        words.append(f"by {_number(parts.relative_target * 100)}%")
    elif parts.baseline is not None:
        words.append(f"from {_quantity(parts.baseline, unit)} to {hole('target')}".strip())
    else:
        words.append(hole("from baseline to target"))

    said = what.lower()
    who = parts.for_whom.strip()
    if who and who.lower() in said:
        pass  # already in the sentence ("the share of patients with diabetes ...")
    elif who:
        words.append(who if who.lower().startswith(("for ", "among ")) else f"for {who}")
    else:
        words.append(hole("for whom"))

    where = parts.where.strip()
    bare_where = re.sub(r"^(?:at|in|on|from|of|across|within|throughout)\s+", "", where.lower())
    if where and (bare_where in said or bare_where in who.lower()):
        pass  # already said, in *what* or *for whom*
    elif where:
        where = re.sub(r"^(?:from|of)\s+", "", where, flags=re.IGNORECASE)
        words.append(where if where.lower().startswith(_PREPOSITIONS) else f"at {where}")
    else:
        words.append(hole("where"))

    words.append(f"by {_date_words(parts.by_when)}" if parts.by_when else hole("by when"))
    return " ".join(w for w in words if w) + "."


# --- element checks shared by both paths -------------------------------------------------


def _words(text: str) -> list[str]:
    """Split a '|'-separated word list written compactly in the source."""
    return [w.strip() for w in text.split("|") if w.strip()]


_CHANGE_VERBS = tuple(
    _words(
        "implement | introduce | install | roll out | launch | deploy | adopt | set up | "
        "start | create | develop | train | buy | purchase | establish | build | use | "
        "hire | run | hold | write | design"
    )
)
_VAGUE_WHAT = frozenset(
    _words(
        "improve | improved | improvement | better | quality | care | things | outcomes | "
        "outcome | services | service | performance | more | some | make | our | the | of "
        "| and | a | to | general | overall | increase | reduce | everything | patient | "
        "experience | safety | efficiency | work"
    )
)
_VAGUE_WHO = {
    "everyone",
    "everybody",
    "all",
    "people",
    "anyone",
    "public",
    "them",
    "us",
    "all of us",
}
_VAGUE_WHERE = {"here", "everywhere", "anywhere", "somewhere", "there", "wherever", "all over"}


def _describes_change(what: str) -> bool:
    low = what.lower().strip()
    return any(re.match(rf"{verb}\b", low) for verb in _CHANGE_VERBS)


def _check_what(parts: AimParts) -> AimFinding:
    what = parts.what.strip()
    if parts.change_not_result or (what and _describes_change(what)):
        return AimFinding(
            "what",
            "weak",
            "This describes a change to make, not a result to achieve: say what will be "
            "better for patients or staff once the change works (the change itself belongs "
            "in the driver diagram).",
        )
    if not what:
        return AimFinding(
            "what",
            "missing",
            "Say what will improve: a result you can count, for example 'the share of "
            "patients with diabetes meeting their A1C target'.",
        )
    words = set(re.findall(r"[a-z']+", what.lower()))
    aspiration = re.search(
        r"\b(?:best|world[- ]class|excellen\w*|outstanding|leading|high[- ]quality|great)\b",
        what.lower(),
    )
    if aspiration and parts.baseline is None and parts.target is None:
        return AimFinding(
            "what",
            "weak",
            f"'{what}' is an aspiration, not a result you can count: name the measure that "
            "would show it, for example the share of patients who receive every element of "
            "the bundle.",
        )
    if words and words <= _VAGUE_WHAT:
        return AimFinding(
            "what",
            "weak",
            f"'{what}' is too general to measure: name the result you will count, for "
            "example falls per 1,000 patient-days or days to the third next appointment.",
        )
    return AimFinding("what", "ok", f"What will improve: {what}.")


def check_stretch(
    baseline: float,
    target: float,
    *,
    direction: Direction | None = None,
    unit: str = "",
    timid_below: float = TIMID_BELOW,
    modest_below: float = MODEST_BELOW,
) -> Stretch:
    """Is the move from baseline to target possible, the right way, and a stretch?

    Impossible: a percentage outside 0-100, or a negative target (counts, rates, times and
    proportions cannot go below zero). Wrong direction: the target moves against the
    direction of improvement. Otherwise the improvement is the relative change from the
    baseline (for percentages going up, the larger of that and the share of the gap to 100%
    closed); below ``timid_below`` (20%) it is timid, below ``modest_below`` (30%) modest, and
    from there a stretch, in line with the 30-50% goals IHI faculty commonly suggest for a
    Breakthrough Series aim.
    """
    percent = _is_percent(unit)
    if percent and not (0 <= target <= 100):
        return Stretch(
            "impossible",
            f"A target of {_number(target)}% is impossible: a percentage lies between 0 and 100.",
        )
    if percent and not (0 <= baseline <= 100):
        return Stretch(
            "impossible",
            f"A baseline of {_number(baseline)}% is impossible: a percentage lies between 0 "
            "and 100.",
        )
    if target < 0:
        return Stretch(
            "impossible",
            f"A target of {_number(target)} is impossible: counts, rates, times and "
            "proportions cannot fall below zero.",
        )
    if target == baseline:
        return Stretch(
            "wrong_direction",
            "The target equals the baseline, so the aim asks for no improvement.",
            relative=0.0,
        )
    moves = "up" if target > baseline else "down"
    if direction and moves != direction:
        better = "Higher" if direction == "up" else "Lower"
        return Stretch(
            "wrong_direction",
            f"{better} is better for this measure, but the target ({_quantity(target, unit)}) "
            f"is {'above' if moves == 'up' else 'below'} the baseline "
            f"({_quantity(baseline, unit)}).",
        )
    relative = abs(target - baseline) / abs(baseline) if baseline else None
    gap = None
    if percent and moves == "up" and baseline < 100:
        gap = (target - baseline) / (100 - baseline)
    elif percent and moves == "down" and baseline > 0:
        gap = (baseline - target) / baseline
    size = max(x for x in (relative, gap, None) if x is not None) if (relative or gap) else None
    if size is None:
        return Stretch(
            "unknown",
            "The baseline is zero, so the change cannot be judged as a share of it.",
            relative,
            gap,
        )
    shown = f"{size:.0%}"
    if size < timid_below:
        return Stretch(
            "timid",
            f"This is only a {shown} improvement on the baseline. A collaborative aim is a "
            "stretch: aim for 30-50% or more, a goal you cannot reach just by trying harder.",
            relative,
            gap,
        )
    if size < modest_below:
        return Stretch(
            "modest",
            f"A {shown} improvement on the baseline: modest. Consider a bolder target if the "
            "change package has worked elsewhere.",
            relative,
            gap,
        )
    return Stretch("stretch", f"A {shown} improvement on the baseline: a stretch.", relative, gap)


def _check_how_much(
    parts: AimParts, measure: Measure | None, timid_below: float
) -> tuple[AimFinding, Stretch | None]:
    vague = parts.vague.get("how_much")
    if parts.baseline is None and parts.target is None and parts.relative_target is None:
        if vague:
            word = vague.capitalize()
            return AimFinding(
                "how_much",
                "missing",
                f"{word} is not a number: give the baseline and the target as numbers.",
            ), None
        return AimFinding(
            "how_much",
            "missing",
            "Say how much: give the baseline and the target as numbers, with a unit.",
        ), None
    if parts.baseline is None and parts.target is None:
        share = f"{_number((parts.relative_target or 0) * 100)}%"
        return AimFinding(
            "how_much",
            "ok",
            f"How much: a change of {share}. Add the baseline you measured so the target "
            "becomes a number you can plot.",
        ), None
    if parts.baseline is None:
        return AimFinding(
            "how_much",
            "weak",
            "Give the baseline too: the target means little without the level you start from.",
        ), None
    if parts.target is None:
        return AimFinding(
            "how_much", "weak", "Give a target as a number: how far will you go from the baseline?"
        ), None
    unit = parts.unit or (measure.unit if measure else "")
    direction = parts.direction
    if measure is not None:
        if direction and direction != measure.direction:
            better = "higher" if measure.direction == "up" else "lower"
            return AimFinding(
                "how_much",
                "weak",
                f"For '{measure.name}' {better} is better, but this aim moves it the other "
                "way: check the direction or the measure.",
            ), None
        direction = measure.direction
    stretch = check_stretch(
        parts.baseline, parts.target, direction=direction, unit=unit, timid_below=timid_below
    )
    if stretch.verdict in {"impossible", "wrong_direction", "timid"}:
        return AimFinding("how_much", "weak", stretch.message), stretch
    if not unit:
        return AimFinding(
            "how_much",
            "weak",
            "Add the unit (%, days, falls per 1,000 patient-days) so everyone reads the "
            "numbers the same way.",
        ), stretch
    text = f"From {_from_to(parts.baseline, parts.target, unit)}. {stretch.message}"
    return AimFinding("how_much", "ok", text), stretch


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _check_by_when(parts: AimParts, today: dt.date, min_months: int, max_months: int) -> AimFinding:
    if parts.by_when is None:
        vague = parts.vague.get("by_when")
        if vague:
            return AimFinding(
                "by_when", "missing", f"{vague.capitalize()} is not a time: choose a date."
            )
        return AimFinding("by_when", "missing", "Say by when: choose a date.")
    when = parts.by_when
    shown = _date_words(when)
    if when <= today:
        return AimFinding(
            "by_when", "weak", f"{shown} has already passed: choose a date in the future."
        )
    if when < _add_months(today, min_months):
        weeks = (when - today).days // 7
        return AimFinding(
            "by_when",
            "weak",
            f"{shown} is only {weeks} weeks away: leave at least {min_months} months for "
            "several PDSA cycles and enough data to see a change.",
        )
    if when > _add_months(today, max_months):
        return AimFinding(
            "by_when",
            "weak",
            f"{shown} is more than {max_months} months away, beyond a typical collaborative: "
            "choose a date within it, or set an interim aim for the collaborative's end.",
        )
    note = f" ({parts.date_note})" if parts.date_note else ""
    return AimFinding("by_when", "ok", f"By {shown}{note}.")


def _check_for_whom(parts: AimParts) -> AimFinding:
    who = parts.for_whom.strip()
    if not who:
        return AimFinding(
            "for_whom",
            "missing",
            "Say for whom: which patients, residents or staff will benefit?",
        )
    if who.lower().removeprefix("for ").strip() in _VAGUE_WHO:
        return AimFinding(
            "for_whom",
            "weak",
            f"'{who}' is too broad: name the group your data will count, for example "
            "'adults with type 2 diabetes'.",
        )
    return AimFinding("for_whom", "ok", f"For whom: {who}.")


def _check_where(parts: AimParts) -> AimFinding:
    where = parts.where.strip()
    if not where:
        return AimFinding(
            "where", "missing", "Say where: the clinic, ward, unit or service this aim covers."
        )
    bare = re.sub(r"^(at|in|on|across|within|throughout)\s+", "", where.lower()).strip()
    if bare in _VAGUE_WHERE:
        return AimFinding(
            "where", "weak", f"'{where}' is not a place: name the clinic, ward or service."
        )
    shown = re.sub(r"^(?:at|in|on|from|of)\s+", "", where, flags=re.IGNORECASE)
    return AimFinding("where", "ok", f"Where: {shown}.")


def _review(
    parts: AimParts,
    *,
    measure: Measure | None,
    today: dt.date | None,
    timid_below: float,
    min_months: int,
    max_months: int,
) -> AimReview:
    today = today or dt.date.today()
    how_much, stretch = _check_how_much(parts, measure, timid_below)
    by_element = {
        "what": _check_what(parts),
        "how_much": how_much,
        "by_when": _check_by_when(parts, today, min_months, max_months),
        "for_whom": _check_for_whom(parts),
        "where": _check_where(parts),
    }
    findings = [by_element[e] for e in ELEMENTS]
    passes = all(f.status == "ok" for f in findings)
    missing = [f.label.lower() for f in findings if f.status == "missing"]
    weak = [f.label.lower() for f in findings if f.status == "weak"]
    if passes:
        summary = "This aim says what, how much, by when, for whom and where."
        if stretch and stretch.verdict == "modest":
            summary += " The target is modest; consider a bolder one."
    else:
        pieces = []
        if missing:
            pieces.append(f"Still missing: {', '.join(missing)}.")
        if weak:
            pieces.append(f"To strengthen: {', '.join(weak)}.")
        summary = " ".join(pieces)
    return AimReview(
        findings=findings,
        passes=passes,
        summary=summary,
        stretch=stretch,
        parts=parts,
        sentence=compose_aim(parts),
    )


def _parts_from_aim(aim: Aim) -> AimParts:
    return AimParts(
        what=aim.what,
        for_whom=aim.for_whom,
        where=aim.where,
        baseline=aim.baseline,
        target=aim.target,
        unit=aim.unit,
        direction=aim.direction,
        by_when=aim.by_when,
    )


def review_aim(
    aim: Aim,
    *,
    measure: Measure | None = None,
    today: dt.date | None = None,
    timid_below: float = TIMID_BELOW,
    min_months: int = MIN_MONTHS_AHEAD,
    max_months: int = MAX_MONTHS_AHEAD,
) -> AimReview:
    """Feedback on each element of an aim built in the form.

    With ``measure`` the direction of improvement is taken from the measure, and an aim that
    moves the measure the wrong way is flagged. ``today`` is a parameter so that tests and
    replays of old aims are reproducible. Dates sooner than ``min_months`` (3) or later than
    ``max_months`` (18, the longest usual collaborative) are weak.
    """
    parts = _parts_from_aim(aim)
    if _is_blank(parts) and aim.free_text.strip():
        # an aim only pasted so far: review what was pasted
        parts = parse_free_text_aim(aim.free_text, today=today)
    return _review(
        parts,
        measure=measure,
        today=today,
        timid_below=timid_below,
        min_months=min_months,
        max_months=max_months,
    )


# --- reading a pasted aim ------------------------------------------------------------------

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}
#: month names and abbreviations, longest first so "september" wins over "sep"
_MONTH_RE = rf"(?:{'|'.join(sorted({*_MONTHS, 'sept'}, key=len, reverse=True))})\.?"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_PERCENT = r"\s*(?:%|percent\b|per\s+cent\b)"
_WORD_NUMBERS = {"zero": 0.0, "half": 0.5, "nil": 0.0, "none": 0.0}

_VAGUE_AMOUNT = ("some", "a lot", "lots", "significantly", "substantially", "dramatically")
_VAGUE_DIRECTION = ("improve", "better", "more", "increase", "reduce", "fewer", "less")
_VAGUE_TIME = (
    "as soon as possible",
    "asap",
    "in the near future",
    "in due course",
    "eventually",
    "shortly",
    "soon",
    "over time",
    "this year",
    "next year",
)
_SEASONS = {"spring": 5, "summer": 8, "autumn": 11, "fall": 11, "winter": 2}

_POPULATION = (
    r"patients?|residents?|adults?|children|child|people|persons?|women|men|mothers?|"
    r"babies|infants?|newborns?|neonates?|clients?|staff|nurses?|doctors?|physicians?|"
    r"users?|members?|veterans?|elders?|families|carers?|caregivers?|students?|"
    r"admissions?|discharges?|births?|inpatients?|outpatients?|referrals?|procedures?|"
    r"smokers?|pregnancies|deliveries|surgeries|operations|episodes|visitors?|"
    r"service users?|older people|older adults"
)
_SETTING = (
    r"clinics?|wards?|units?|icus?|nicus?|picus?|hospitals?|practices?|departments?|"
    r"emergency department|ed|a&e|surgery|surgeries|care homes?|nursing homes?|homes?|"
    r"centres?|centers?|services?|trusts?|sites?|regions?|county|counties|districts?|"
    r"networks?|pharmac(?:y|ies)|schools?|theatres?|facilit(?:y|ies)|health system|"
    r"organi[sz]ations?|communit(?:y|ies)|prisons?|hospices?|campus(?:es)?|floors?|"
    r"teams?|primary care|maternity|oncology|cardiology|paediatrics|pediatrics"
)
_STOP = (
    r"(?=\s+(?:from|to|by|at|in|on|across|within|meeting|who|for|among|amongst|and)\b"
    r"|\s*[,.;:]|\s*$)"
)
#: word beginnings that say which way the aim moves its measure ("reduction", "raising")
_UP_STEMS = ("increas", "rais", "doubl", "tripl", "grow", "boost", "more", "higher", "rise")
_DOWN_STEMS = (
    *("reduc", "decreas", "lower", "cut", "halv", "eliminat", "shorten", "prevent"),
    *("fewer", "less", "minimi"),
)


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
            return day, f"read 'end of {g[0]} year' as {_date_words(day)}", span
        elif kind == "quarter":
            day = _end_of_month(int(g[1]), int(g[0]) * 3)
        elif kind == "season":
            day = _end_of_month(int(g[1]), _SEASONS[g[0]])
            return day, f"read '{g[0]} {g[1]}' as the end of {_date_words(day)}", span
        elif kind == "within":
            amount = words.get(g[0]) or int(g[0])
            unit = g[1].rstrip("s")
            try:
                if unit == "week":
                    day = today + dt.timedelta(weeks=amount)
                else:
                    day = _add_months(today, amount * (12 if unit == "year" else 1))
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
        rf"their|\d+|two|three|four|five|six|ten)\s+)*(?:[\w'&-]+\s+){{0,4}}?(?:{_SETTING})\b"
        rf"(?:\s+(?:\d+\w?|[a-z]\b))?)",
        # a capitalised name ending in a setting word after at/from/of/in
        rf"\b(?:at|from|of|in)\s+(?:St\.?\s+)?[A-Z][\w'-]*(?:\s+(?:[A-Z][\w'-]*|of|&))*"
        rf"\s+(?i:{_SETTING})\b",
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
        rf"\b((?:(?:adult|older|elderly|young|pregnant|frail|ventilated|surgical|medical|new|"
        rf"all|our|registered|diabetic|high-risk|at-risk)\s+)*(?:{_POPULATION})\b"
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
    head = re.sub(rf"\s+(?:{'|'.join(_VAGUE_AMOUNT)})$", "", head.strip(" ,.;:"), flags=re.I)
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
        for phrase in _VAGUE_TIME:
            if re.search(rf"\b{re.escape(phrase)}\b", low):
                vague["by_when"] = phrase
                break
        season = re.search(r"\b(spring|summer|autumn|fall|winter)\b", low)
        if season and "by_when" not in vague:
            vague["by_when"] = season.group(1)
    if not numbers:
        for phrase in (*_VAGUE_AMOUNT, *_VAGUE_DIRECTION):
            if re.search(rf"\b{re.escape(phrase)}\b", low):
                vague["how_much"] = phrase
                break

    direction: Direction | None = None
    # the first word that says which way decides; "improve" does not, the numbers then do
    verb = re.search(rf"\b(?:{'|'.join((*_UP_STEMS, *_DOWN_STEMS))})\w*", low)
    if verb:
        direction = "down" if verb.group(0).startswith(_DOWN_STEMS) else "up"
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
        change_not_result=_describes_change(clean) and not numbers,
        date_note=date_note,
    )


def review_free_text_aim(
    text: str,
    today: dt.date | None = None,
    *,
    measure: Measure | None = None,
    timid_below: float = TIMID_BELOW,
    min_months: int = MIN_MONTHS_AHEAD,
    max_months: int = MAX_MONTHS_AHEAD,
) -> AimReview:
    """The same feedback as :func:`review_aim`, for an aim pasted as one sentence.

    ``review.parts`` holds what was read, so the app can offer to fill the builder with it.
    """
    parts = parse_free_text_aim(text, today=today) if text.strip() else AimParts()
    return _review(
        parts,
        measure=measure,
        today=today,
        timid_below=timid_below,
        min_months=min_months,
        max_months=max_months,
    )
