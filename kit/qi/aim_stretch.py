"""Is the move from baseline to target possible, the right way, and a stretch for this measure?

Part of the aim feedback (see ``kit/qi/aims.py``). What counts as a stretch depends on the
kind of measure: 30-day readmissions typically fall 5-20% when interventions work, while
central-line infections have fallen by more than 80%. So the thresholds are content, one
cited row per kind of measure in ``kit/content/aim_stretch.yaml``, with a default row for the
rest, and every message names the kind and the source it was judged by.

Percentages are spoken in percentage points: 90% -> 95% is 5 points higher and closes half
of the gap to 100%; the gap share is never called "an improvement on the baseline".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kit.content import load
from kit.qi.aim_parts import Direction, Stretch, is_percent, number, quantity

__all__ = ["StretchRule", "check_relative", "check_stretch", "stretch_rule"]


@dataclass(frozen=True)
class StretchRule:
    """One kind of measure: thresholds for timid and modest, what teams reached, and where
    that is published."""

    key: str
    label: str
    timid_below: float
    modest_below: float
    typical: str
    cite: str
    source: str


def _rule(row: dict[str, Any], key: str) -> StretchRule:
    return StretchRule(
        key=key,
        label=str(row["label"]),
        timid_below=float(row["timid_below"]),
        modest_below=float(row["modest_below"]),
        typical=" ".join(str(row["typical"]).split()),
        cite=str(row["cite"]),
        source=" ".join(str(row["source"]).split()),
    )


def stretch_rule(*texts: str) -> StretchRule:
    """The rule for the first kind of measure whose words appear in any of ``texts`` (the
    aim's what, the measure's name, the unit), else the default row."""
    content = load("aim_stretch")
    said = " ".join(texts).lower()
    for row in content["kinds"]:
        if any(re.search(pattern, said) for pattern in row["match"]):
            return _rule(row, str(row["key"]))
    return _rule(content["default"], "default")


def _share(value: float) -> str:
    return f"{value:.0%}"


def _points(value: float) -> str:
    return f"{number(round(value, 2))} percentage point{'' if value == 1 else 's'}"


def _describe(baseline: float, target: float, unit: str) -> str:
    """The size of the change in the words an advisor uses for this kind of unit."""
    moves_up = target > baseline
    relative = abs(target - baseline) / abs(baseline) if baseline else None
    if is_percent(unit):
        points = _points(abs(target - baseline))
        if moves_up:
            gap = (target - baseline) / (100 - baseline)
            return f"{points} higher, closing {_share(gap)} of the gap to 100%"
        return f"{points} lower, a relative fall of {_share(relative or 0)}"
    if relative is None:
        return f"a rise from zero to {quantity(target, unit)}"
    return f"a relative {'rise' if moves_up else 'fall'} of {_share(relative)}"


def _suggest(baseline: float, moves_up: bool, unit: str, size: float) -> str:
    """The target at which this kind of measure would count as a stretch."""
    if moves_up and is_percent(unit):
        value = baseline + size * (100 - baseline)
    elif moves_up:
        value = baseline * (1 + size)
    else:
        value = baseline * (1 - size)
    shown = quantity(round(value, 1), unit)
    return f"{shown} or {'higher' if moves_up else 'lower'}"


def _verdict(
    size: float,
    described: str,
    rule: StretchRule,
    thresholds: tuple[float, float],
    suggestion: str,
    relative: float | None,
    gap: float | None,
) -> Stretch:
    timid_below, modest_below = thresholds
    kind = f"for {rule.label}"
    if size < timid_below:
        return Stretch(
            "timid",
            f"{described[0].upper()}{described[1:]}. That is timid {kind}: {rule.typical} "
            f"({rule.cite}). Consider {suggestion}, a goal you cannot reach just by trying "
            "harder.",
            relative,
            gap,
            rule.key,
        )
    if size < modest_below:
        return Stretch(
            "modest",
            f"{described[0].upper()}{described[1:]}: modest {kind} ({rule.typical}; "
            f"{rule.cite}). Consider a bolder target if the change package has worked elsewhere.",
            relative,
            gap,
            rule.key,
        )
    return Stretch(
        "stretch",
        f"{described[0].upper()}{described[1:]}: a stretch {kind} ({rule.cite}).",
        relative,
        gap,
        rule.key,
    )


def check_stretch(
    baseline: float,
    target: float,
    *,
    direction: Direction | None = None,
    unit: str = "",
    timid_below: float | None = None,
    modest_below: float | None = None,
    rule: StretchRule | None = None,
) -> Stretch:
    """Is the move from baseline to target possible, the right way, and a stretch?

    Impossible: a percentage outside 0-100, or a negative target (counts, rates, times and
    proportions cannot go below zero). Wrong direction: the target moves against the
    direction of improvement. Otherwise the size of the change is the relative change from
    the baseline, or for percentages that go up the share of the gap to 100% closed, judged
    against ``rule`` (default: the content file's default row); ``timid_below`` and
    ``modest_below`` override the rule's thresholds.
    """
    rule = rule or stretch_rule()
    thresholds = (
        rule.timid_below if timid_below is None else timid_below,
        rule.modest_below if modest_below is None else modest_below,
    )
    percent = is_percent(unit)
    for name, value in (("target", target), ("baseline", baseline)):
        if percent and not (0 <= value <= 100):
            return Stretch(
                "impossible",
                f"A {name} of {number(value)}% is impossible: a percentage lies between 0 and 100.",
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
    size = gap if percent else relative
    if size is None:
        return Stretch(
            "unknown",
            "The baseline is zero, so the change cannot be judged as a share of it.",
            relative,
            gap,
        )
    described = _describe(baseline, target, unit)
    suggestion = _suggest(baseline, moves == "up", unit, thresholds[1])
    return _verdict(size, described, rule, thresholds, suggestion, relative, gap)


def check_relative(
    relative: float,
    *,
    direction: Direction | None,
    unit: str = "",
    rule: StretchRule | None = None,
) -> Stretch:
    """The stretch judgement for a change stated as a share ("reduce falls by 10%")."""
    rule = rule or stretch_rule()
    way = "rise" if direction == "up" else "fall"
    described = f"a relative {way} of {_share(relative)}"
    if is_percent(unit):
        described += " (read as a share of the baseline, not percentage points)"
    suggestion = f"a {way} of at least {_share(rule.modest_below)}"
    thresholds = (rule.timid_below, rule.modest_below)
    return _verdict(relative, described, rule, thresholds, suggestion, relative, None)
