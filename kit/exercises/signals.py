"""Spot the signal: a chart with a special cause planted in it, the learner's marks, and the
score under the facilitator's rule set.

Each case is an I chart of 24 months drawn from one seed: common-cause noise around a mean,
with one planted special cause (a sustained shift, a single outlier or a trend) or none. The
learner marks the months they read as signals; the kit scores the marks against the months
the chosen rule set flags (``kit.spc``), and shows where the IHI, Anhøj and Making Data Count
rule sets flag different months on the same data. The rule sets and their sources are in
``kit/spc/rule_sets.py`` and, for participants, ``kit/content/exercises.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from kit.errors import KitInputError

#: the rule sets the exercise compares, in the order it shows them
RULE_SETS: tuple[str, ...] = ("ihi", "anhoej", "nhs")
KINDS: tuple[str, ...] = ("shift", "outlier", "trend", "none")
POINTS = 24
MEAN, SD = 50.0, 5.0


@dataclass(frozen=True)
class Case:
    """One chart to read: its values, what was planted and where."""

    seed: int
    kind: str
    values: tuple[float, ...]
    planted: tuple[int, ...]

    @property
    def description(self) -> str:
        """What was planted, in words (shown after the learner has answered)."""
        if self.kind == "none":
            return "Nothing was planted: every month is common-cause variation."
        first, last = self.planted[0] + 1, self.planted[-1] + 1
        return {
            "shift": f"A sustained shift was planted: months {first} to {last} are 1.5 standard "
            "deviations higher.",
            "outlier": f"One special cause was planted: month {first} is 4 standard deviations "
            "higher.",
            "trend": f"A trend was planted: months {first} to {last} rise steadily.",
        }[self.kind]


def make_case(seed: int, kind: str | None = None) -> Case:
    """The case for ``seed`` (the kind cycles with the seed unless it is given)."""
    if kind is None:
        kind = KINDS[seed % len(KINDS)]
    if kind not in KINDS:
        raise KitInputError(f"There is no kind of case '{kind}'; choose one of {KINDS}.")
    rng = np.random.default_rng(seed)
    values = rng.normal(MEAN, SD, POINTS)
    planted: list[int] = []
    if kind == "shift":
        start = int(rng.integers(13, 17))
        planted = list(range(start, POINTS))
        values[start:] += 1.5 * SD
    elif kind == "outlier":
        at = int(rng.integers(8, 20))
        planted = [at]
        values[at] = MEAN + 4 * SD
    elif kind == "trend":
        start = int(rng.integers(10, 15))
        planted = list(range(start, start + 7))
        values[start : start + 7] = MEAN + SD * np.linspace(-1.5, 3.0, 7)
        values[start + 7 :] += 3.0 * SD
    return Case(seed, kind, tuple(round(float(v), 1) for v in values), tuple(planted))


def flagged(values: Iterable[float], rules: str) -> tuple[int, ...]:
    """The months (0-based) the rule set flags as special cause on an I chart."""
    from kit.spc import analyze

    result = analyze(list(values), chart="i", rules=rules)
    return tuple(int(i) for i in np.flatnonzero(result.points["signal"].to_numpy(dtype=bool)))


@dataclass(frozen=True)
class Score:
    """The learner's marks against one rule set's flags."""

    rules: str
    hits: tuple[int, ...]
    missed: tuple[int, ...]
    false_alarms: tuple[int, ...]

    @property
    def right(self) -> bool:
        return not self.missed and not self.false_alarms

    @property
    def text(self) -> str:
        """Feedback in words, months counted from 1 as on the chart."""

        def months(ix: tuple[int, ...]) -> str:
            return ", ".join(str(i + 1) for i in ix)

        if self.right:
            if not self.hits:
                return "Right: this rule set flags no month, and you marked none."
            return (
                f"Right: you marked exactly the months this rule set flags ({months(self.hits)})."
            )
        parts = []
        if self.hits:
            parts.append(f"you found months {months(self.hits)}")
        if self.missed:
            parts.append(f"the rules also flag months {months(self.missed)}")
        if self.false_alarms:
            parts.append(
                f"months {months(self.false_alarms)} are common-cause variation under these "
                "rules: reacting to them would be tampering"
            )
        sentence = "; ".join(parts)
        return sentence[0].upper() + sentence[1:] + "."


def score(marked: Iterable[int], values: Iterable[float], rules: str) -> Score:
    """Score the months the learner marked against what ``rules`` flags."""
    if rules not in RULE_SETS:
        raise KitInputError(f"Choose one of the rule sets {', '.join(RULE_SETS)}.")
    truth = set(flagged(values, rules))
    marks = {int(m) for m in marked}
    return Score(
        rules,
        hits=tuple(sorted(marks & truth)),
        missed=tuple(sorted(truth - marks)),
        false_alarms=tuple(sorted(marks - truth)),
    )


def disagreements(values: Iterable[float]) -> dict[int, tuple[str, ...]]:
    """Months some rule sets flag and others do not: month -> the rule sets that flag it."""
    data = list(values)
    by_rules = {rules: set(flagged(data, rules)) for rules in RULE_SETS}
    months = set().union(*by_rules.values())
    out = {}
    for m in sorted(months):
        who = tuple(r for r in RULE_SETS if m in by_rules[r])
        if len(who) < len(RULE_SETS):
            out[m] = who
    return out


@dataclass(frozen=True)
class Lines:
    """The I chart's centre line and limits, for drawing the case before it is scored."""

    centre: float
    lower: float
    upper: float


def lines(values: Iterable[float]) -> Lines:
    """Centre line and limits of the case's I chart (the same under every rule set)."""
    from kit.spc import analyze

    points = analyze(list(values), chart="i").points
    return Lines(
        float(points["cl"].iloc[0]), float(points["lcl"].iloc[0]), float(points["ucl"].iloc[0])
    )


def scored_result(values: Iterable[float], rules: str) -> Any:
    """The case's I chart under ``rules``, for drawing once the learner has answered."""
    from kit.spc import analyze

    return analyze(list(values), chart="i", rules=rules)
