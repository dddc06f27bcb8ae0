"""A whole synthetic Breakthrough Series collaborative, as the kit's own records.

:func:`generate` draws the numbers (:mod:`kit.datasets.simulate`) and wraps them in what a
real collaborative keeps: a charter and timeline, teams with their BTS roles, aims whose
baselines are the teams' own baseline data, the change package and each team's driver
diagram, the family of measures with operational definitions, PDSA cycles dated where the
data moves, monthly reports (some missing, the latest sometimes overdue) and monthly faculty
and self assessments. The result is deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kit.datasets import people
from kit.datasets.simulate import (
    STORIES,
    Simulation,
    Story,
    TeamPlan,
    add_months,
    draw_stories,
    month_starts,
    simulate,
)
from kit.datasets.stories import assessments, monthly_reports, pdsa_cycles
from kit.datasets.topics import TOPICS, TopicSpec
from kit.errors import KitInputError
from kit.qi import records as r

#: the option ranges of issue 12: 3-100 teams, 12-36 months, up to 24 baseline months
TEAMS_RANGE = (3, 100)
MONTHS_RANGE = (12, 36)
MAX_BASELINE = 24
#: months the collaborative runs after its first learning session, at the least
MIN_AFTER_LS1 = 6
#: the first learning session of a generated collaborative, unless first_month moves it
DEFAULT_LS1 = dt.date(2026, 2, 1)
_DAY = dt.timedelta(days=1)
STORY_NAMES: dict[str, Story] = {s: s for s in STORIES}


@dataclass(frozen=True)
class Settings:
    """What a generated collaborative is asked to look like; the tests check each share."""

    topic: str = "falls"
    teams: int = 8
    #: months of data in all, baseline included
    months: int = 24
    #: months of history before the first learning session
    baseline_months: int = 12
    seed: int = 1
    #: first month of data; by default the baseline ends the month before LS1 in Feb 2026
    first_month: dt.date | None = None
    share_improving: float = 0.55
    share_slipping: float = 0.15
    #: share of team-months (before the latest) whose monthly report never came
    missing_reports: float = 0.08
    #: chance that the latest month's report is still a draft (overdue)
    overdue_latest: float = 0.4
    collaborative_id: str | None = None
    #: prefix for every record id, so several collaboratives share a database
    id_prefix: str | None = None

    def check(self) -> None:
        if self.topic not in TOPICS:
            raise KitInputError(
                f"There is no topic '{self.topic}'; choose one of {', '.join(sorted(TOPICS))}."
            )
        low, high = TEAMS_RANGE
        if not low <= self.teams <= high:
            raise KitInputError(f"Choose {low} to {high} teams, not {self.teams}.")
        low, high = MONTHS_RANGE
        if not low <= self.months <= high:
            raise KitInputError(f"Choose {low} to {high} months, not {self.months}.")
        if not 1 <= self.baseline_months <= min(MAX_BASELINE, self.months - MIN_AFTER_LS1):
            raise KitInputError(
                f"Choose 1 to {min(MAX_BASELINE, self.months - MIN_AFTER_LS1)} baseline months "
                f"for {self.months} months of data, so that at least {MIN_AFTER_LS1} follow the "
                "first learning session."
            )
        shares = (self.share_improving, self.share_slipping, self.missing_reports)
        if min(shares) < 0 or self.share_improving + self.share_slipping > 1:
            raise KitInputError(
                "The shares of improving and slipping teams must add up to 1 or less."
            )


@dataclass
class Generated:
    """A generated collaborative: its records by kind, and the answer key behind them."""

    settings: Settings
    topic: TopicSpec
    records: dict[str, list[r.Record]]
    simulation: Simulation
    prefix: str

    @property
    def collaborative(self) -> r.Collaborative:
        return self.records["collaborative"][0]  # type: ignore[return-value]

    @property
    def truth(self) -> pd.DataFrame:
        return self.simulation.truth


def _month_end(month: dt.date) -> dt.date:
    following = month_starts(month, 2)[1]
    return following - dt.timedelta(days=1)


def timeline(ls1: dt.date, last_month: dt.date) -> list[r.Milestone]:
    """Prework, learning sessions every four months with action periods between, and a close.

    The BTS model's rhythm (IHI 2003 white paper): three learning sessions when the
    collaborative runs long enough, two otherwise.
    """
    months = (last_month.year - ls1.year) * 12 + last_month.month - ls1.month + 1
    sessions = 3 if months >= 9 else 2
    starts = month_starts(ls1, 4 * sessions)
    events = [
        r.Milestone(kind=r.MilestoneKind.prework, start=add_months(ls1, -2), end=ls1.replace(day=2))
    ]
    for k in range(sessions):
        start = starts[4 * k].replace(day=3)  # a two-day learning session
        events.append(
            r.Milestone(
                kind=r.MilestoneKind.learning_session,
                number=k + 1,
                start=start,
                end=start + dt.timedelta(days=1),
            )
        )
        end = (
            _month_end(starts[4 * k + 3])
            if k < sessions - 1
            else _month_end(max(last_month, starts[4 * k + 1]))
        )
        events.append(
            r.Milestone(
                kind=r.MilestoneKind.action_period,
                number=k + 1,
                start=start + dt.timedelta(days=2),
                end=end,
            )
        )
    closing = (events[-1].end + dt.timedelta(days=16)).replace(day=16)
    events.append(r.Milestone(kind=r.MilestoneKind.closing_congress, start=closing, end=closing))
    return events


def _diagrams(
    topic: TopicSpec, collaborative_id: str, prefix: str, aims: dict[str, str], team_ids: list[str]
) -> list[r.DriverDiagram]:
    package = r.DriverDiagram(
        id=f"{prefix}dd-package",
        collaborative_id=collaborative_id,
        team_id=None,
        aim_text=topic.collaborative_aim,
        primary_drivers=[r.PrimaryDriver(id=i, text=t) for i, t in topic.primary_drivers],
        secondary_drivers=[
            r.SecondaryDriver(id=i, text=t, primary_ids=list(p))
            for i, t, p in topic.secondary_drivers
        ],
        change_ideas=[
            r.ChangeIdea(id=i, text=t, secondary_ids=list(s), change_concept=c, origin="package")
            for i, t, s, c in topic.change_ideas
        ],
    )
    own_text, own_driver, own_concept = topic.team_idea
    diagrams = [package]
    for team_id in team_ids:
        ideas = [c.model_copy(update={"id": f"{team_id}-{c.id}"}) for c in package.change_ideas]
        ideas.append(
            r.ChangeIdea(
                id=f"{team_id}-ci-own",
                text=own_text,
                secondary_ids=[own_driver],
                change_concept=own_concept,
                origin="team",
            )
        )
        diagrams.append(
            package.model_copy(
                update={
                    "id": f"dd-{team_id}",
                    "team_id": team_id,
                    "aim_text": aims[team_id],
                    "change_ideas": ideas,
                }
            )
        )
    return diagrams


def _measures(topic: TopicSpec, collaborative_id: str, prefix: str) -> list[r.Measure]:
    return [
        r.Measure(
            id=f"{prefix}{spec.id}",
            collaborative_id=collaborative_id,
            name=spec.name,
            measure_kind=r.MeasureKind(spec.kind),
            unit=spec.unit,
            has_denominator=True,
            direction=spec.direction,
            chart=spec.chart,
            multiply=spec.multiply,
            driver_id=spec.driver_id,
            definition=spec.definition,
        )
        for spec in topic.measures
    ]


def _number(value: float) -> str:
    return f"{value:g}"


def _aims(
    topic: TopicSpec, sim: Simulation, prefix: str, teams: list[r.Team], by_when: dt.date
) -> list[r.Aim]:
    """Each team's aim on the topic's aim measure, its baseline the team's own baseline data."""
    spec = next(s for s in topic.measures if s.id == topic.aim_measure)
    window = max(sim.ls1_index, 1)
    data = sim.data[(sim.data["measure_id"] == spec.id) & (sim.data["month_index"] < window)]
    sums = data.groupby("team_id")[["numerator", "denominator"]].sum()
    rate = (sums["numerator"] / sums["denominator"] * spec.multiply).round(1)
    baseline_end = _month_end(sim.periods[window - 1])
    sign = -1 if spec.direction == "down" else 1
    aims = []
    for team in teams:
        baseline = float(rate[team.id])
        target = round(baseline * (1 + sign * topic.aim_reduction), 1)
        unit = spec.unit
        aims.append(
            r.Aim(
                id=f"aim-{team.id}",
                team_id=team.id,
                what=spec.name[0].lower() + spec.name[1:] if spec.chart == "p" else unit,
                for_whom=topic.population,
                where=team.name,
                measure_id=f"{prefix}{spec.id}",
                baseline=baseline,
                target=target,
                unit=unit,
                direction=spec.direction,
                baseline_period_end=baseline_end,
                by_when=by_when,
                free_text=(
                    f"{'Reduce' if sign < 0 else 'Increase'} {spec.name.lower()} on {team.name} "
                    f"from {_number(baseline)} to {_number(target)} ({unit}) by {by_when:%B %Y}"
                ),
            )
        )
    return aims


def _observations(sim: Simulation, prefix: str) -> list[r.Observation]:
    data = sim.data
    keys = [p.strftime("%Y-%m") for p in sim.periods]
    out = []
    for team_id, measure_id, month, num, den in zip(
        data["team_id"].tolist(),
        data["measure_id"].tolist(),
        data["month_index"].tolist(),
        data["numerator"].tolist(),
        data["denominator"].tolist(),
        strict=True,
    ):
        out.append(
            r.Observation(
                id=f"o-{team_id}-{measure_id.removeprefix('m-')}-{keys[month]}",
                measure_id=f"{prefix}{measure_id}",
                team_id=team_id,
                period=sim.periods[month],
                numerator=float(num),
                denominator=float(den),
            )
        )
    return out


def generate(settings: Settings | None = None, plans: list[TeamPlan] | None = None) -> Generated:
    """A complete collaborative for ``settings``; ``plans`` fix named teams (the demo's wards).

    With ``plans``, their number overrides ``settings.teams`` and their stories are kept.
    """
    settings = settings or Settings()
    if plans:
        settings = Settings(**{**settings.__dict__, "teams": len(plans)})
    settings.check()
    topic = TOPICS[settings.topic]
    rng = np.random.default_rng(settings.seed)
    collaborative_id = settings.collaborative_id or f"{topic.key}-{settings.seed}"
    prefix = settings.id_prefix if settings.id_prefix is not None else f"{collaborative_id}-"
    first = settings.first_month or add_months(DEFAULT_LS1, -settings.baseline_months)
    if plans:
        stories = np.array([p.story for p in plans])
    else:
        stories = draw_stories(
            rng, settings.teams, settings.share_improving, settings.share_slipping
        )
        names = people.team_names(rng, topic.unit_kind, settings.teams)
        gaps = rng.random(settings.teams) < 0.1
        plans = [
            TeamPlan(
                id=f"{prefix}team-{i + 1:03d}",
                name=name,
                organisation=org,
                story=STORY_NAMES[str(stories[i])],
                roster_gap=bool(gaps[i]),
            )
            for i, (name, org) in enumerate(names)
        ]
    sim = simulate(
        topic,
        rng,
        plans=plans,
        stories=stories,
        months=settings.months,
        baseline_months=settings.baseline_months,
        first_month=first,
    )
    ls1 = sim.periods[sim.ls1_index]
    events = timeline(ls1, sim.periods[-1])
    by_when = events[-2].end  # the end of the last action period
    faculty = people.faculty(rng)
    collaborative = r.Collaborative(
        id=collaborative_id,
        name=topic.collaborative_name,
        topic=topic.title,
        aim=f"{topic.collaborative_aim} by {events[-1].start:%B %Y}",
        sponsor=topic.sponsor,
        faculty=faculty,
        timeline=events,
    )
    teams = [
        r.Team(
            id=plan.id,
            collaborative_id=collaborative_id,
            name=plan.name,
            organisation=plan.organisation,
            members=people.members(rng, plan.roster_gap),
        )
        for plan in plans
    ]
    aims = _aims(topic, sim, prefix, teams, by_when)
    aim_texts = {a.team_id: a.free_text for a in aims}
    advisor = next(f.name for f in faculty if f.role == "improvement_advisor")
    records: dict[str, list[r.Record]] = {
        "collaborative": [collaborative],
        "team": list(teams),
        "aim": list(aims),
        "driver_diagram": list(
            _diagrams(topic, collaborative_id, prefix, aim_texts, [t.id for t in teams])
        ),
        "measure": list(_measures(topic, collaborative_id, prefix)),
        "observation": list(_observations(sim, prefix)),
        "pdsa_cycle": list(pdsa_cycles(topic, sim, teams, prefix)),
        "assessment": list(assessments(sim, teams, advisor, rng)),
        "monthly_report": list(
            monthly_reports(
                topic, sim, teams, rng, settings.missing_reports, settings.overdue_latest
            )
        ),
    }
    return Generated(settings=settings, topic=topic, records=records, simulation=sim, prefix=prefix)
