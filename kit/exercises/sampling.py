"""Sampling and definitions: what the monthly sample size, and a definition that drifts, do to
what a P chart can show.

A team audits ``sample`` patients a month for a process measure (say, risk assessment done
within 24 hours). Compliance is ``baseline`` before a change and ``improved`` after it. The P
chart's 3-sigma limits are p +/- 3 sqrt(p(1 - p) / n) (Provost & Murray, The Health Care Data
Guide, 2011, chapter 5), so they narrow with the square root of the sample: a small sample
hides a real change. A definition that is loosened part-way (``drift`` added to the measured
rate from ``drift_at``) shows as a shift that no change in care made.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from kit.errors import KitInputError

MONTHS = 24
CHANGE_AT = 12


@dataclass(frozen=True)
class Scenario:
    """The exercise's sliders."""

    sample: int = 20
    baseline: float = 0.60
    improved: float = 0.75
    drift: float = 0.0
    drift_at: int = 18
    seed: int = 1

    def __post_init__(self) -> None:
        if not 5 <= self.sample <= 500:
            raise KitInputError("Sample between 5 and 500 patients a month.")
        for name in ("baseline", "improved"):
            if not 0.01 <= getattr(self, name) <= 0.99:
                raise KitInputError(f"The {name} rate must be between 1% and 99%.")
        if not 0 <= self.drift <= 0.5 or not 1 <= self.drift_at < MONTHS:
            raise KitInputError("The drift is 0 to 50 points, from a month within the chart.")


@dataclass(frozen=True)
class Series:
    """Numerators and denominators per month, and the true and measured rates."""

    numerators: np.ndarray
    denominators: np.ndarray
    true_rate: np.ndarray
    measured_rate: np.ndarray


def simulate(s: Scenario) -> Series:
    """Two years of monthly audits under the scenario (one seed, the same every time)."""
    months = np.arange(MONTHS)
    true_rate = np.where(months < CHANGE_AT, s.baseline, s.improved)
    measured = np.clip(true_rate + np.where(months >= s.drift_at, s.drift, 0.0), 0.0, 1.0)
    rng = np.random.default_rng(s.seed)
    n = np.full(MONTHS, s.sample)
    return Series(rng.binomial(n, measured), n, true_rate, measured)


def half_width(p: float, n: int) -> float:
    """Distance from the centre line to a 3-sigma P chart limit."""
    return 3 * math.sqrt(p * (1 - p) / n)


def chance_beyond_limit(p0: float, p1: float, n: int) -> float:
    """Chance that one month's point falls beyond the baseline's limit once the true rate is
    ``p1`` (exact binomial): how often a single month shows the change."""
    upper, lower = p0 + half_width(p0, n), p0 - half_width(p0, n)
    total = 0.0
    for k in range(n + 1):
        if k / n > upper or k / n < lower:
            total += math.comb(n, k) * p1**k * (1 - p1) ** (n - k)
    return total


def sample_for(p0: float, p1: float) -> int:
    """The smallest monthly sample whose limits are nearer the centre than the change is
    (a change as large as the 3-sigma half-width: detectable month by month about half the
    time)."""
    gap = abs(p1 - p0)
    if gap == 0:
        raise KitInputError("The baseline and the improved rate are the same: nothing to detect.")
    return math.ceil(9 * p0 * (1 - p0) / gap**2)


def explain(s: Scenario) -> list[str]:
    """What the learner should notice, in sentences, for the sliders as set."""
    width = half_width(s.baseline, s.sample)
    chance = chance_beyond_limit(s.baseline, s.improved, s.sample)
    needed = sample_for(s.baseline, s.improved)
    lines = [
        f"With {s.sample} patients a month the limits sit {width:.0%} either side of the "
        f"{s.baseline:.0%} baseline (3 × √(p(1−p)/n)).",
        f"The change from {s.baseline:.0%} to {s.improved:.0%} is "
        f"{abs(s.improved - s.baseline) / (width / 3):.1f} standard deviations of one month's "
        f"point; a single month after the change lands beyond the limit {chance:.0%} of the time.",
    ]
    if s.sample < needed:
        lines.append(
            f"To see this change month by month, sample at least {needed} a month; with fewer, "
            "wait for a run of points on one side of the centre line, which takes months."
        )
    else:
        lines.append(
            f"The sample is large enough ({needed} or more) for the change to show within a few months."
        )
    if s.drift > 0:
        lines.append(
            f"From month {s.drift_at + 1} the definition was loosened and the measured rate rose "
            f"{s.drift:.0%} with no change in care: the chart cannot tell the two apart, so "
            "keep the operational definition fixed, and annotate the chart when it must change."
        )
    return lines


def chart_result(s: Scenario) -> Any:
    """The P chart of the scenario's audits, limits frozen on the months before the change
    (``kit.spc``, IHI rules, higher is better)."""
    from kit.spc import analyze

    series = simulate(s)
    return analyze(
        series.numerators,
        series.denominators,
        chart="p",
        rules="ihi",
        freeze=CHANGE_AT,
        direction="up",
    )
