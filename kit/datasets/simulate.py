"""The numbers of a synthetic collaborative, drawn for every team and month at once.

Each team has a story: it ``improves`` (and holds the gain), ``slips`` (improves, then loses
most of the gain when the work stops) or ``never`` improves. A team's change takes hold in
one month after the first learning session, staggered between teams. Process measures ramp
up over the three months before that month; outcomes follow ``lag`` months later and move by
less (:mod:`kit.datasets.topics`). Every array is teams x months, so a 100-team, 36-month
collaborative is a handful of numpy calls, not a loop over points.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from kit.datasets.topics import MeasureSpec, TopicSpec

Story = Literal["improves", "slips", "never"]
STORIES: tuple[Story, ...] = ("improves", "slips", "never")

#: months over which a process measure ramps up to the change month
PROCESS_RAMP = 3
#: months over which an outcome moves once it starts
OUTCOME_RAMP = 2
#: months over which a slipping team loses its gain, and the share of the gain it keeps
SLIP_RAMP = 4
SLIP_KEEPS = 0.2


@dataclass(frozen=True)
class TeamPlan:
    """A team fixed in advance (the demo's named wards); omitted fields are drawn."""

    id: str
    name: str
    organisation: str = ""
    story: Story = "improves"
    #: monthly exposure (patient-days, line-days); drawn within the topic's range if None
    size: float | None = None
    #: months after the first learning session when the change takes hold
    change_after_ls1: int | None = None
    #: months after the change when a slipping team starts to lose its gain
    slip_after_change: int | None = None
    #: the team has no day-to-day leader yet (the roster warns)
    roster_gap: bool = False
    #: baseline of the topic's aim measure (per exposure unit), drawn if None
    rate: float | None = None
    #: share of the topic's full effect the team achieves (1 = the topic's effect), drawn if None
    strength: float | None = None


@dataclass(frozen=True)
class Simulation:
    """What :func:`simulate` draws; ``truth`` is the per-team answer key the tests check."""

    periods: list[dt.date]
    ls1_index: int
    truth: pd.DataFrame  # one row per team: story, change, slip, size, levels and effects
    data: pd.DataFrame  # tidy: team_id, measure_id, period, numerator, denominator
    process_progress: np.ndarray  # teams x months, 0..1
    outcome_progress: np.ndarray  # teams x months, 0..1


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` months after (or before) ``month``'s month."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_starts(first: dt.date, count: int) -> list[dt.date]:
    index = first.year * 12 + first.month - 1 + np.arange(count)
    return [dt.date(int(i // 12), int(i % 12) + 1, 1) for i in index]


def _winter(periods: list[dt.date]) -> np.ndarray:
    """+1 in January, -1 in July: the shape of a winter peak."""
    month = np.array([p.month for p in periods], dtype=float)
    return np.cos(2 * np.pi * (month - 1) / 12)


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def _expit(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _ramp(months: np.ndarray, start: np.ndarray, length: int) -> np.ndarray:
    """0 before ``start``, rising linearly to 1 over ``length`` months (teams x months)."""
    return np.clip((months[None, :] - start[:, None] + 1) / length, 0.0, 1.0)


def draw_stories(
    rng: np.random.Generator, teams: int, share_improving: float, share_slipping: float
) -> np.ndarray:
    """Stories in the declared shares: rounded counts, shuffled, so small runs hit them too."""
    improving = round(teams * share_improving)
    slipping = min(teams - improving, round(teams * share_slipping))
    stories = np.array(
        ["improves"] * improving + ["slips"] * slipping + ["never"] * (teams - improving - slipping)
    )
    return rng.permutation(stories)


def _progress(
    months: np.ndarray, change: np.ndarray, slip: np.ndarray, lag: int, ramp: int
) -> np.ndarray:
    """How far each team is along its change for one measure (0..1), slips included."""
    start = change - ramp + 1 if lag == 0 else change + lag
    gain = _ramp(months, start, ramp)
    lost = _ramp(months, slip + lag, SLIP_RAMP) * (1 - SLIP_KEEPS)
    return gain * (1 - lost)


def _levels(
    spec: MeasureSpec,
    rng: np.random.Generator,
    progress: np.ndarray,
    strength: np.ndarray,
    winter: np.ndarray,
    fixed: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per team-month expected level, plus each team's baseline and full-effect level.

    ``fixed`` holds baselines set in advance (NaN where drawn), for the topic's aim measure.
    """
    teams = progress.shape[0]
    season = 1 + spec.season * winter[None, :]
    if spec.chart == "u" or spec.denominator == "parent":
        base = spec.baseline * np.exp(rng.normal(0, spec.spread, teams))
        if fixed is not None:
            base = np.where(np.isnan(fixed), base, fixed)
        full = base * (1 - spec.effect * strength)
        level = (base[:, None] + (full - base)[:, None] * progress) * season
        if spec.denominator == "parent":  # a share of the parent's events
            level = np.clip(level, 0.0, 1.0)
        return level, base, full
    base = _expit(_logit(spec.baseline) + rng.normal(0, spec.spread, teams))
    if fixed is not None:
        base = np.where(np.isnan(fixed), base, fixed)
    if spec.improved is None:
        full = base.copy()
    elif spec.kind == "outcome":  # an outcome in percent moves by a relative effect
        full = base * (1 - (1 - spec.improved / spec.baseline) * strength)
    else:
        target = _expit(_logit(spec.improved) + rng.normal(0, spec.spread / 3, teams))
        full = base + (np.maximum(target, base) - base) * np.minimum(strength, 1.0)
    level = base[:, None] + (full - base)[:, None] * progress
    return np.clip(level * season, 1e-4, 1 - 1e-4), base, full


def simulate(
    topic: TopicSpec,
    rng: np.random.Generator,
    *,
    plans: list[TeamPlan],
    stories: np.ndarray,
    months: int,
    baseline_months: int,
    first_month: dt.date,
) -> Simulation:
    """Draw every measure for every team and month; ``plans`` fix what they name."""
    teams = len(plans)
    periods = month_starts(first_month, months)
    m = np.arange(months)
    ls1 = baseline_months
    after = months - ls1
    winter = _winter(periods)

    low, high = topic.exposure
    size = np.array([p.size if p.size else np.nan for p in plans], dtype=float)
    drawn = rng.uniform(low, high, teams)
    size = np.where(np.isnan(size), drawn, size)
    case_low, case_high = topic.cases
    case_mean = case_low + (size - low) / (high - low) * (case_high - case_low)

    latest = max(2, min(7, after - 5))  # leave months after the change to see it
    change = ls1 + rng.integers(1, latest + 1, teams)
    fixed = np.array([p.change_after_ls1 if p.change_after_ls1 is not None else -1 for p in plans])
    change = np.where(fixed >= 0, ls1 + fixed, change)
    slip_gap = rng.integers(4, 8, teams)
    fixed_slip = np.array(
        [p.slip_after_change if p.slip_after_change is not None else -1 for p in plans]
    )
    slip_gap = np.where(fixed_slip >= 0, fixed_slip, slip_gap)
    never = stories == "never"
    change = np.where(never, months + 100, change)
    slip = np.where(stories == "slips", change + slip_gap, months + 100)
    strength = np.clip(rng.normal(1.0, 0.15, teams), 0.6, 1.3)
    fixed_strength = np.array([p.strength if p.strength is not None else np.nan for p in plans])
    strength = np.where(never, 0.0, np.where(np.isnan(fixed_strength), strength, fixed_strength))
    fixed_rate = np.array([p.rate if p.rate is not None else np.nan for p in plans], dtype=float)

    exposure_level = size[:, None] * (1 + topic.exposure_season * winter[None, :])
    exposure = np.rint(exposure_level * rng.normal(1, 0.04, (teams, months))).astype(np.int64)
    exposure = np.maximum(exposure, 1)
    cases = rng.poisson(case_mean[:, None] * (1 + 2 * topic.exposure_season * winter[None, :]))
    cases = np.maximum(cases, 1)

    process = _progress(m, change, slip, 0, PROCESS_RAMP)
    outcome = _progress(m, change, slip, 1, OUTCOME_RAMP)
    truth: dict[str, object] = {
        "team_id": [p.id for p in plans],
        "story": stories,
        "change_month": [periods[c] if c < months else None for c in change],
        "change_index": np.where(never, -1, change),
        "slip_index": np.where(stories == "slips", slip, -1),
        "size": size,
        "strength": strength,
    }
    frames: list[pd.DataFrame] = []
    numerators: dict[str, np.ndarray] = {}
    denominators: dict[str, np.ndarray] = {}
    for spec in topic.measures:
        if spec.kind == "process" or spec.kind == "balancing":
            progress = process if spec.lag == 0 else _progress(m, change, slip, spec.lag, 2)
        else:
            progress = _progress(m, change, slip, spec.lag, OUTCOME_RAMP)
        level, base, full = _levels(
            spec,
            rng,
            progress,
            strength,
            winter,
            fixed_rate if spec.id == topic.aim_measure else None,
        )
        if spec.denominator == "parent":
            parent = numerators[str(spec.parent)]
            num = rng.binomial(parent, level)
            den = denominators[str(spec.parent)]
        elif spec.chart == "u":
            den = exposure
            num = rng.poisson(level * den)
        else:
            den = np.full((teams, months), spec.sample) if spec.denominator == "sample" else cases
            num = rng.binomial(den, level)
        numerators[spec.id], denominators[spec.id] = num, den
        truth[f"{spec.id}:baseline"] = base
        truth[f"{spec.id}:full"] = full
        frames.append(
            pd.DataFrame(
                {
                    "team_index": np.repeat(np.arange(teams), months),
                    "month_index": np.tile(m, teams),
                    "measure_id": spec.id,
                    "numerator": num.ravel(),
                    "denominator": den.ravel(),
                }
            )
        )
    data = pd.concat(frames, ignore_index=True)
    data.insert(0, "team_id", np.array(truth["team_id"])[data["team_index"].to_numpy()])
    data.insert(2, "period", np.array(periods, dtype=object)[data["month_index"].to_numpy()])
    return Simulation(
        periods=periods,
        ls1_index=ls1,
        truth=pd.DataFrame(truth),
        data=data,
        process_progress=process,
        outcome_progress=outcome,
    )
