"""Judging an aim: one verdict per element, the stretch check, and the summary.

Part of the aim feedback (see ``kit/qi/aims.py``). An effective aim states **what** improves,
**how much** (a numeric baseline and target), **by when**, **for whom** and **where** (IHI,
"How to Improve: Setting Aims"). The builder and the pasted-aim path share these checks, so
their messages are identical.

Dates are judged from the day the aim was set (``set_on``, the caller passes the aim's first
saved date), not from today: an aim written in January for December is not "only 12 weeks
away" when it is read again in September. Thresholds are keyword arguments with documented
defaults: a facilitator who wants a different rule changes a parameter or a content file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from kit.qi.aim_compose import compose_aim, is_blank, parts_from_aim
from kit.qi.aim_parse import describes_change, parse_free_text_aim
from kit.qi.aim_parts import (
    ELEMENTS,
    MAX_MONTHS_AHEAD,
    MIN_MONTHS_AHEAD,
    AimFinding,
    AimParts,
    AimReview,
    Stretch,
    add_months,
    alternation,
    article,
    date_words,
    from_to,
    plural,
    words,
)
from kit.qi.aim_stretch import check_relative, check_stretch, stretch_rule
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

#: the default row of kit/content/aim_stretch.yaml: under 20% improvement is timid, 20-30%
#: modest. Kinds of measure with their own published range (readmissions, central-line
#: infections, bundle compliance) have their own rows in that file.
TIMID_BELOW = stretch_rule().timid_below
MODEST_BELOW = stretch_rule().modest_below
# MIN_MONTHS_AHEAD (3) and MAX_MONTHS_AHEAD come from kit/qi/aim_parts.py: the latter is the
# longest collaborative in kit/content/collaborative.yaml (IHI 2003), so the aim
# builder and the set-up app's timeline check agree on one published length.


def _is_theme(what: str) -> bool:
    """True when *what* names an area to work on ("patient safety"), not a countable result.

    Theme phrases are removed first; a measurable word left (a rate, a share, a time, a
    count of events: "hand hygiene compliance") makes it a result; otherwise, once filler
    words are removed too, nothing may be left.
    """
    rest = what.lower()
    for phrase in sorted(words("theme_phrases"), key=len, reverse=True):
        rest = re.sub(rf"\b{re.escape(phrase)}\b", " ", rest)
    if any(re.search(rf"\b{re.escape(w)}\b", rest) for w in words("measurable_words")):
        return False
    filler = {*words("filler_words"), *words("vague_what")}
    left = [w for w in re.findall(r"[a-z'-]+", rest) if w not in filler]
    return not left


def _check_what(parts: AimParts) -> AimFinding:
    what = parts.what.strip()
    if parts.change_not_result or (what and describes_change(what)):
        quoted = f" ('{what}')" if what else ""
        return AimFinding(
            "what",
            "weak",
            f"This describes a change to make, not a result to achieve{quoted}: say what "
            "will be better for patients or staff once the change works, as a result you can "
            "count (the change itself belongs in the driver diagram and a PDSA cycle).",
        )
    if not what:
        return AimFinding(
            "what",
            "missing",
            "Say what will improve: a result you can count, for example 'the share of "
            "patients with diabetes meeting their A1C target'.",
        )
    aspiration = re.search(rf"\b(?:{alternation('aspiration')})\b", what.lower())
    if aspiration and parts.baseline is None and parts.target is None:
        return AimFinding(
            "what",
            "weak",
            f"'{what}' is an aspiration, not a result you can count: name the measure that "
            "would show it, for example the share of patients who receive every element of "
            "the bundle.",
        )
    if _is_theme(what):
        return AimFinding(
            "what",
            "weak",
            f"'{what}' names a theme, too general to measure: a what names a result you can "
            "count, for example falls with harm per 1,000 patient-days or the share of "
            "patients who receive antibiotics within 1 hour.",
        )
    return AimFinding("what", "ok", f"What will improve: {what}.")


def _no_numbers(parts: AimParts) -> AimFinding:
    vague = parts.vague.get("how_much")
    if vague:
        return AimFinding(
            "how_much",
            "missing",
            f"{vague.capitalize()} is not a number: give the baseline and the target as numbers.",
        )
    return AimFinding(
        "how_much",
        "missing",
        "Say how much: give the baseline and the target as numbers, with a unit.",
    )


def _relative_only(parts: AimParts, rule_texts: tuple[str, ...]) -> tuple[AimFinding, Stretch]:
    relative = parts.relative_target or 0.0
    way = "rise" if parts.direction == "up" else "fall"
    share = f"{relative:.0%}"
    stretch = check_relative(
        relative, direction=parts.direction, unit=parts.unit, rule=stretch_rule(*rule_texts)
    )
    return AimFinding(
        "how_much",
        "weak",
        f"{article(share).capitalize()} {share} {way} from what level? Give the baseline you "
        "measured (for "
        "example 'from 6 to 3 falls per 1,000 patient-days'), so the target becomes a number "
        f"you can plot. Judged as a share of the baseline: {stretch.message[0].lower()}"
        f"{stretch.message[1:]}",
    ), stretch


def _check_how_much(
    parts: AimParts, measure: Measure | None, timid_below: float | None
) -> tuple[AimFinding, Stretch | None]:
    rule_texts = (parts.what, parts.unit, measure.name if measure else "")
    if parts.baseline is None and parts.target is None and parts.relative_target is None:
        return _no_numbers(parts), None
    if parts.baseline is None and parts.target is None:
        return _relative_only(parts, rule_texts)
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
        parts.baseline,
        parts.target,
        direction=direction,
        unit=unit,
        timid_below=timid_below,
        rule=stretch_rule(*rule_texts),
    )
    if stretch.verdict in {"impossible", "wrong_direction"}:
        return AimFinding("how_much", "weak", stretch.message), stretch
    said = f"From {from_to(parts.baseline, parts.target, unit)}"
    note = f" ({parts.number_note})" if parts.number_note else ""
    text = f"{said}{note}. {stretch.message}"
    if stretch.verdict == "timid":
        return AimFinding("how_much", "weak", text), stretch
    if not unit:
        return AimFinding(
            "how_much",
            "weak",
            "Add the unit (%, days, falls per 1,000 patient-days) so everyone reads the "
            "numbers the same way.",
        ), stretch
    return AimFinding("how_much", "ok", text), stretch


def _reference(as_of: dt.date, set_on: dt.date | None) -> str:
    """Which day a date is judged from, said in the message."""
    if set_on is not None:
        return f"{date_words(as_of)}, when the aim was set"
    return f"today ({date_words(as_of)})"


def _check_by_when(
    parts: AimParts,
    as_of: dt.date,
    set_on: dt.date | None,
    limits: tuple[int, int],
    ends_on: dt.date | None,
) -> AimFinding:
    min_months, max_months = limits
    if parts.by_when is None:
        vague = parts.vague.get("by_when")
        if vague:
            return AimFinding(
                "by_when", "missing", f"{vague.capitalize()} is not a time: choose a date."
            )
        return AimFinding("by_when", "missing", "Say by when: choose a date.")
    when = parts.by_when
    shown = date_words(when)
    ref = _reference(as_of, set_on)
    if when <= as_of:
        return AimFinding(
            "by_when",
            "weak",
            f"{shown} had already passed on {ref}: choose a date in the future.",
        )
    if when < add_months(as_of, min_months):
        weeks = plural((when - as_of).days // 7, "week")
        return AimFinding(
            "by_when",
            "weak",
            f"{shown} is only {weeks} after {ref}: leave at least {min_months} months for "
            "several PDSA cycles and enough data to see a change.",
        )
    if ends_on is not None and when > ends_on:
        return AimFinding(
            "by_when",
            "weak",
            f"{shown} is after the collaborative closes on {date_words(ends_on)}: choose a "
            "date within it, or set an interim aim for its end.",
        )
    if ends_on is None and when > add_months(as_of, max_months):
        return AimFinding(
            "by_when",
            "weak",
            f"{shown} is more than {max_months} months after {ref}, beyond a typical "
            "collaborative: choose a date within it, or set an interim aim for its end.",
        )
    note = f" ({parts.date_note})" if parts.date_note else ""
    months = (when.year - as_of.year) * 12 + when.month - as_of.month
    return AimFinding("by_when", "ok", f"By {shown}{note}: {plural(months, 'month')} after {ref}.")


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
    shown = re.sub(r"^(?:at|in|on|from|of|to)\s+", "", where, flags=re.IGNORECASE)
    return AimFinding("where", "ok", f"Where: {shown}.")


def _ask(finding: AimFinding, question: str) -> AimFinding:
    """What the reader could not read comes first, and an element it doubts is not ok."""
    status = "weak" if finding.status == "ok" else finding.status
    return replace(finding, status=status, message=f"{question} {finding.message}")


def _summary(findings: list[AimFinding], stretch: Stretch | None) -> str:
    if all(f.status == "ok" for f in findings):
        summary = "This aim says what, how much, by when, for whom and where."
        if stretch and stretch.verdict == "modest":
            summary += " The target is modest; consider a bolder one."
        return summary
    missing = [f.label.lower() for f in findings if f.status == "missing"]
    weak = [f.label.lower() for f in findings if f.status == "weak"]
    pieces = []
    if missing:
        pieces.append(f"Still missing: {', '.join(missing)}.")
    if weak:
        pieces.append(f"To strengthen: {', '.join(weak)}.")
    return " ".join(pieces)


def _review(
    parts: AimParts,
    *,
    measure: Measure | None,
    as_of: dt.date,
    set_on: dt.date | None,
    ends_on: dt.date | None,
    timid_below: float | None,
    limits: tuple[int, int],
) -> AimReview:
    how_much, stretch = _check_how_much(parts, measure, timid_below)
    by_element = {
        "what": _check_what(parts),
        "how_much": how_much,
        "by_when": _check_by_when(parts, as_of, set_on, limits, ends_on),
        "for_whom": _check_for_whom(parts),
        "where": _check_where(parts),
    }
    for element, question in parts.unsure.items():
        by_element[element] = _ask(by_element[element], question)
    findings = [by_element[e] for e in ELEMENTS]
    return AimReview(
        findings=findings,
        passes=all(f.status == "ok" for f in findings),
        summary=_summary(findings, stretch),
        stretch=stretch,
        parts=parts,
        sentence=compose_aim(parts),
    )


def review_aim(
    aim: Aim,
    *,
    measure: Measure | None = None,
    today: dt.date | None = None,
    set_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    timid_below: float | None = None,
    min_months: int = MIN_MONTHS_AHEAD,
    max_months: int = MAX_MONTHS_AHEAD,
) -> AimReview:
    """Feedback on each element of an aim built in the form.

    With ``measure`` the direction of improvement is taken from the measure, and an aim that
    moves the measure the wrong way is flagged; the measure's name also picks the stretch
    thresholds (``kit/content/aim_stretch.yaml``). Dates are judged from ``set_on``, the day
    the aim was set (pass the aim's first saved date), else from ``today`` (a parameter so
    tests are reproducible), else from the real today. A date sooner than ``min_months`` (3)
    is weak; so is one after ``ends_on`` (the collaborative's closing date) when given, or
    else more than ``max_months`` (the longest collaborative in
    ``kit/content/collaborative.yaml``) ahead.
    """
    as_of = set_on or today or dt.date.today()
    parts = parts_from_aim(aim)
    if is_blank(parts) and aim.free_text.strip():
        # an aim only pasted so far: review what was pasted
        parts = parse_free_text_aim(aim.free_text, today=as_of)
    return _review(
        parts,
        measure=measure,
        as_of=as_of,
        set_on=set_on,
        ends_on=ends_on,
        timid_below=timid_below,
        limits=(min_months, max_months),
    )


def review_free_text_aim(
    text: str,
    today: dt.date | None = None,
    *,
    set_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    measure: Measure | None = None,
    timid_below: float | None = None,
    min_months: int = MIN_MONTHS_AHEAD,
    max_months: int = MAX_MONTHS_AHEAD,
) -> AimReview:
    """The same feedback as :func:`review_aim`, for an aim pasted as one sentence.

    ``review.parts`` holds what was read, so the app can offer to fill the builder with it.
    Relative dates ("within 12 months") count from ``set_on`` too.
    """
    as_of = set_on or today or dt.date.today()
    parts = parse_free_text_aim(text, today=as_of) if text.strip() else AimParts()
    return _review(
        parts,
        measure=measure,
        as_of=as_of,
        set_on=set_on,
        ends_on=ends_on,
        timid_below=timid_below,
        limits=(min_months, max_months),
    )
