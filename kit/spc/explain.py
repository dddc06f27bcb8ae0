"""Plain-language explanations of chart signals, written for participants, not statisticians.

One sentence per event (``kit/spc/events.py`` groups the rules' flags into events): what
was seen, dated at the change, whether it goes the way the measure should go, and why it is
unlikely by chance alone. For example: "The measure moved down from March 2024, in the
direction you want: the ten months before it were all above the median and the ten from
then on all below it, which is unlikely by chance alone." No statistical jargon ("sigma") and no
code reach the participant; every rule's source is named in ``kit/spc/rule_sets.py`` and
``facilitator-guide/spc-deviations.md``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kit.spc.events import OUTSIDE_RULES, RUN_RULES, Event, find_events
from kit.spc.rule_sets import MIN_USEFUL_FOR_RUNS_TEST
from kit.spc.wording import (
    be,
    capital,
    count_of,
    decimal,
    label,
    number_word,
    times,
    unit_of,
    verdict,
)

__all__ = ["explain", "explain_signal", "number_word"]

_CHANCE = "which is unlikely by chance alone"
_EXTREME_POINT = (
    "A run chart has no limits, so it cannot flag a single extreme value by itself: judge an "
    "unusual value by what you know happened then (Perla, Provost & Murray, BMJ Qual Saf "
    "2011, leave such an 'astronomical' point to judgement)."
)


class _Words:
    """What every sentence of one result shares: period names, centre line, direction."""

    def __init__(
        self,
        unit: tuple[str, str],
        centre: str,
        direction: str | None,
        labels: list[Any],
        multi: bool = False,
    ):
        self.unit, self.centre, self.direction = unit, centre, direction
        self.labels, self.multi = labels, multi

    @classmethod
    def of(cls, result: Any) -> _Words:
        pts = result.points
        return cls(
            unit=unit_of(pts["x"]) if not pts.empty else ("point", "points"),
            centre="median" if result.chart in ("run", "g") else "centre line",
            direction=result.direction,
            labels=pts["x"].tolist(),
            multi=len(result.phases) > 1,
        )

    def at(self, row: int | None) -> str:
        return label(self.labels[row]) if row is not None else ""

    def since(self, row: int | None) -> str:
        """' from March 2024', or nothing when the period is not known."""
        when = self.at(row)
        return f" from {when}" if when else ""

    def span(self, first: int, last: int) -> str:
        """'From March 2024 to May 2024, ', 'In March 2024, ' or nothing."""
        a, b = self.at(first), self.at(last)
        if not a:
            return ""
        return f"From {a} to {b}, " if b and b != a else f"In {a}, "

    def where(self, phase: int) -> str:
        return f" in phase {phase + 1}" if self.multi else ""


def _side(side: int) -> str:
    return "above" if side > 0 else "below"


def _limit(side: int) -> str:
    return "above the upper limit" if side > 0 else "below the lower limit"


def _zone(rule: str, side: int, w: _Words) -> str:
    """The two-of-three and four-of-five zones without the word sigma."""
    part = "two thirds" if rule in ("two_of_three", "we2") else "a third"
    limit = "upper" if side > 0 else "lower"
    return f"more than {part} of the way from the {w.centre} to the {limit} limit"


def _evidence(e: Event, w: _Words) -> str:
    """The rules behind a sustained event, as one clause."""
    parts = []
    if e.before and e.after:
        parts.append(
            f"the {count_of(e.before, w.unit)} before it {be(e.before)} all {_side(-e.change)} "
            f"the {w.centre} and the {number_word(e.after)} from then on all {_side(e.change)} it"
        )
    elif e.before:
        parts.append(
            f"the {count_of(e.before, w.unit)} up to then {be(e.before)} all "
            f"{_side(-e.change)} the {w.centre}"
        )
    elif e.has_run:
        k = e.run_count
        parts.append(f"{count_of(k, w.unit)} in a row {be(k)} {_side(e.side)} the {w.centre}")
    for rule, k, m in (("two_of_three", 2, 3), ("we2", 2, 3), ("we3", 4, 5)):
        if rule in e.counts and not parts:
            parts.append(
                f"{number_word(k)} of {number_word(m)} {w.unit[1]} in a row {be(k)} "
                f"{_zone(rule, e.side, w)}"
            )
    text = " and ".join(parts)
    outside = sum(e.outside.values())
    if outside and len(e.outside) == 1:
        text += f", with {number_word(outside)} of them {_limit(next(iter(e.outside)))}"
    elif outside:
        text += f", with {number_word(outside)} of them outside the limits"
    return text


def _sustained(e: Event, w: _Words, runs_clause: str) -> str:
    move = "up" if e.change > 0 else "down"
    lead = f"The measure moved {move}{w.since(e.change_at)}{verdict(e.change, w.direction)}"
    if not e.has_run and not (e.before and e.after):
        return (
            f"{capital(w.span(e.first, e.last) + _evidence(e, w))}: an early warning that "
            f"the measure may have moved {move}{verdict(e.change, w.direction)}{runs_clause}."
        )
    return f"{lead}: {_evidence(e, w)}, {_CHANCE}{runs_clause}."


def _outside(e: Event, w: _Words) -> str:
    k = sum(e.counts.values())
    tail = "alone; look for what was special about {}."
    if k == 1:
        when = w.at(e.first)
        what = f"The value for {when} is" if when else "One value is"
        return (
            f"{what} {_limit(e.side)}{verdict(e.side, w.direction)}: a value this far out is "
            f"unlikely by chance {tail.format('it')}"
        )
    return (
        f"{capital(w.span(e.first, e.last) + number_word(k))} values were {_limit(e.side)}"
        f"{verdict(e.side, w.direction)}: values this far out are unlikely by chance "
        f"{tail.format('them')}"
    )


def _trend(e: Event, w: _Words) -> str:
    k = e.counts.get("trend", 0)
    return (
        f"{capital(w.span(e.first, e.last) + count_of(k, w.unit))} in a row went "
        f"{'up' if e.side > 0 else 'down'}{verdict(e.side, w.direction)}: a steady drift like "
        f"this is unlikely by chance alone, so the process may be changing."
    )


def _hugging(e: Event, w: _Words) -> str:
    k = e.counts.get("hugging", 0)
    return (
        f"{capital(w.span(e.first, e.last) + count_of(k, w.unit))} in a row stayed within "
        f"a third of the way from the {w.centre} to the limits: less variation than the limits "
        "expect. Check whether the limits were computed from mixed data or whether the data "
        "were smoothed."
    )


def _crossings(row: pd.Series, w: _Words, *, clause: bool) -> str:
    """Observed crossings, the lower limit and the expected number, each named."""
    n, k, low = int(row["n_useful"]), int(row["n_crossings"]), int(row["n_crossings_min"])
    seen = f"never crossed the {w.centre}" if k == 0 else f"crossed the {w.centre} only {times(k)}"
    chance = (
        f"chance alone would give about {decimal((n - 1) / 2)} crossings (the expected number, "
        f"half of the {n - 1} gaps between neighbouring points) and rarely fewer than {low} "
        "(the lower limit, Anhøj & Olesen 2014)"
    )
    if clause:
        return f"; the data {seen} in {n} useful {w.unit[1]}, where {chance}"
    return (
        f"The data {seen}{w.where(int(row['phase']))} in {n} useful {w.unit[1]}: {chance}, so the "
        "data stay on one side for too long and the process has probably changed."
    )


def _few_runs(row: pd.Series, w: _Words, *, clause: bool) -> str:
    n, runs, low = int(row["n_useful"]), int(row["n_runs"]), int(row["runs_lower"])
    seen = "only one run" if runs == 1 else f"only {runs} runs"
    chance = (
        f"chance alone rarely gives fewer than {low} (Perla, Provost & Murray 2011, after "
        "Swed & Eisenhart 1943)"
    )
    if clause:
        verb = "is" if runs == 1 else "are"
        return f"; there {verb} {seen} in {n} useful {w.unit[1]}, where {chance}"
    return (
        f"There {'is' if runs == 1 else 'are'} {seen}{w.where(int(row['phase']))} in {n} useful "
        f"{w.unit[1]}, where {chance}: the data cluster on one side, a sign of a shift."
    )


def _runs_clause(row: pd.Series, rules: str, w: _Words) -> tuple[str, str]:
    """(clause for a sentence about a change, sentence on its own) for a phase's runs count."""
    if rules == "anhoej" and bool(row.get("crossings_signal", False)):
        return _crossings(row, w, clause=True), _crossings(row, w, clause=False)
    if rules == "ihi" and bool(row.get("too_few_runs", False)):
        return _few_runs(row, w, clause=True), _few_runs(row, w, clause=False)
    return "", ""


def _mixed_baseline(e: Event, result: Any, w: _Words) -> str | None:
    """Advice when a phase's limits were computed across the change they now flag."""
    if result.chart == "run" or e.change_at is None:
        return None
    pts = result.points
    in_phase = pts["phase"].to_numpy() == e.phase
    base = pts["baseline"].to_numpy(bool) & in_phase
    rows = np.flatnonzero(base)
    if not rows.size or not (rows[0] < e.change_at <= rows[-1]):
        return None
    if not (pts["sigma_signal"].to_numpy(bool) & base).any():
        return None
    when = w.at(e.change_at)
    before = int((rows < e.change_at).sum())
    # A frozen baseline needs enough points of its own (the runs rules' 10, Perla et al. 2011).
    freeze = (
        f", or freeze the baseline on the {count_of(before, w.unit)} before it"
        if before >= MIN_USEFUL_FOR_RUNS_TEST
        else ""
    )
    return (
        f"The limits{w.where(e.phase)} are computed from {w.unit[1]} both before and after the "
        f"change in {when}, so they fit neither and points fall outside them: start a new "
        f"phase from {when}, so that each part gets its own centre line and limits{freeze}."
    )


def _too_early(row: pd.Series, chart: str, w: _Words) -> str:
    n = int(row["n_useful"])
    if n == 0:
        have = f"no {w.unit[0]} can be read yet (all are missing, excluded or on the {w.centre})"
    else:
        have = f"only {count_of(n, w.unit)} off the {w.centre} so far"
    text = (
        f"Too early to judge{w.where(int(row['phase']))}: {have}, and the runs rules need about "
        f"{MIN_USEFUL_FOR_RUNS_TEST} such {w.unit[1]} before they can tell a change from chance (Perla, Provost "
        "& Murray 2011; Anhøj & Olesen 2014). Keep plotting."
    )
    return text + (" " + _EXTREME_POINT if chart == "run" else "")


def explain(result: Any) -> list[str]:
    """Sentences for every event in an :class:`~kit.spc.SPCResult`, plus its messages."""
    if result.points.empty:
        return ["There are no data to read yet."]
    w = _Words.of(result)
    events = find_events(result.points, result.rules, result.chart)
    out: list[str] = []
    phases = {int(row["phase"]): row for _, row in result.phases.iterrows()}
    clause_used: set[int] = set()
    advised: set[int] = set()
    for e in events:
        if e.kind == "sustained":
            clause = ""
            if e.phase not in clause_used and e.phase in phases:
                clause = _runs_clause(phases[e.phase], result.rules, w)[0]
                clause_used.add(e.phase)
            out.append(_sustained(e, w, clause))
            advice = _mixed_baseline(e, result, w) if e.phase not in advised else None
            if advice:
                out.append(advice)  # once per phase: the first change is where to split
                advised.add(e.phase)
        elif e.kind == "outside":
            out.append(_outside(e, w))
        elif e.kind == "trend":
            out.append(_trend(e, w))
        else:
            out.append(_hugging(e, w))
    for phase, row in phases.items():
        if phase not in clause_used:
            alone = _runs_clause(row, result.rules, w)[1]
            if alone:
                out.append(alone)
        if result.rules == "ihi" and bool(row.get("too_many_runs", False)):
            out.append(
                f"There are {int(row['n_runs'])} runs{w.where(phase)}, more than the "
                f"{int(row['runs_upper'])} chance alone rarely exceeds: the data zig-zag too "
                "regularly, which often means two processes (shifts, machines, wards) are "
                "mixed in one chart."
            )
    quiet = {p for p in phases if not any(e.phase == p for e in events)}
    early = [p for p in sorted(quiet) if int(phases[p]["n_useful"]) < MIN_USEFUL_FOR_RUNS_TEST]
    out += [_too_early(phases[p], result.chart, w) for p in early]
    if not out:
        out.append(
            "No signal: the ups and downs are what chance alone would give (common-cause "
            "variation). Keep plotting and avoid reacting to single points."
        )
    return out + list(result.messages)


def explain_signal(
    rule: str,
    *,
    count: int = 1,
    side: str = "above",
    start: str = "",
    unit: tuple[str, str] = ("point", "points"),
    centre: str = "centre line",
    end: str = "",
    direction: str | None = None,
) -> str:
    """One sentence for one rule's signal. ``rule`` is a column name of ``SPCResult.points``.

    ``start`` (and ``end``) are period labels; ``direction`` ("up", "down" or None) is the
    measure's direction of improvement.
    """
    w = _Words(unit, centre, direction, [start, end or start])
    sign = 1 if side == "above" else -1
    kind = (
        "sustained"
        if rule in RUN_RULES or rule in ("two_of_three", "we2", "we3")
        else "outside"
        if rule in OUTSIDE_RULES
        else rule
    )
    if kind not in ("sustained", "outside", "trend", "hugging"):
        raise ValueError(f"No explanation for rule {rule!r}")
    e = Event(kind, 0, sign, 0, 1, {rule: count}, 0, sign, 0, count if rule in RUN_RULES else 0)
    if kind == "outside":
        e.last, e.outside = (1 if count > 1 and end else 0), {sign: count}
        return _outside(e, w)
    if kind == "trend":
        return _trend(e, w)
    if kind == "hugging":
        return _hugging(e, w)
    return _sustained(e, w, "")
