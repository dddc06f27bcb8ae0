"""Judging an aim: one verdict per element, the stretch check, and the summary.

Part of the aim feedback (see ``kit/qi/aims.py``). An effective aim states **what** improves,
**how much** (a numeric baseline and target), **by when**, **for whom** and **where** (IHI,
"How to Improve: Setting Aims"). The builder and the pasted-aim path share these checks, so
their messages are identical.

Thresholds are keyword arguments with documented defaults: a facilitator who wants a
different stretch rule changes a parameter, not the code.
"""

from __future__ import annotations

import datetime as dt
import re

from kit.qi.aim_compose import compose_aim, is_blank, parts_from_aim
from kit.qi.aim_parse import describes_change, parse_free_text_aim
from kit.qi.aim_parts import (
    ELEMENTS,
    AimFinding,
    AimParts,
    AimReview,
    Direction,
    Stretch,
    add_months,
    alternation,
    date_words,
    from_to,
    is_percent,
    number,
    quantity,
    words,
)
from kit.qi.records import Aim, Measure

__all__ = [
    "MAX_MONTHS_AHEAD",
    "MIN_MONTHS_AHEAD",
    "MODEST_BELOW",
    "TIMID_BELOW",
    "check_stretch",
    "review_aim",
    "review_free_text_aim",
]


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


def _check_what(parts: AimParts) -> AimFinding:
    what = parts.what.strip()
    if parts.change_not_result or (what and describes_change(what)):
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
    found = set(re.findall(r"[a-z']+", what.lower()))
    aspiration = re.search(rf"\b(?:{alternation('aspiration')})\b", what.lower())
    if aspiration and parts.baseline is None and parts.target is None:
        return AimFinding(
            "what",
            "weak",
            f"'{what}' is an aspiration, not a result you can count: name the measure that "
            "would show it, for example the share of patients who receive every element of "
            "the bundle.",
        )
    if found and found <= set(words("vague_what")):
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
    percent = is_percent(unit)
    if percent and not (0 <= target <= 100):
        return Stretch(
            "impossible",
            f"A target of {number(target)}% is impossible: a percentage lies between 0 and 100.",
        )
    if percent and not (0 <= baseline <= 100):
        return Stretch(
            "impossible",
            f"A baseline of {number(baseline)}% is impossible: a percentage lies between 0 "
            "and 100.",
        )
    if target < 0:
        return Stretch(
            "impossible",
            f"A target of {number(target)} is impossible: counts, rates, times and "
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
            f"{better} is better for this measure, but the target ({quantity(target, unit)}) "
            f"is {'above' if moves == 'up' else 'below'} the baseline "
            f"({quantity(baseline, unit)}).",
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
        share = f"{number((parts.relative_target or 0) * 100)}%"
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
    text = f"From {from_to(parts.baseline, parts.target, unit)}. {stretch.message}"
    return AimFinding("how_much", "ok", text), stretch


def _check_by_when(parts: AimParts, today: dt.date, min_months: int, max_months: int) -> AimFinding:
    if parts.by_when is None:
        vague = parts.vague.get("by_when")
        if vague:
            return AimFinding(
                "by_when", "missing", f"{vague.capitalize()} is not a time: choose a date."
            )
        return AimFinding("by_when", "missing", "Say by when: choose a date.")
    when = parts.by_when
    shown = date_words(when)
    if when <= today:
        return AimFinding(
            "by_when", "weak", f"{shown} has already passed: choose a date in the future."
        )
    if when < add_months(today, min_months):
        weeks = (when - today).days // 7
        return AimFinding(
            "by_when",
            "weak",
            f"{shown} is only {weeks} weeks away: leave at least {min_months} months for "
            "several PDSA cycles and enough data to see a change.",
        )
    if when > add_months(today, max_months):
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
    if who.lower().removeprefix("for ").strip() in words("vague_who"):
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
    if bare in words("vague_where"):
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
    parts = parts_from_aim(aim)
    if is_blank(parts) and aim.free_text.strip():
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
