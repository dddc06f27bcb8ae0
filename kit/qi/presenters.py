"""All teach, all learn: whom to ask to present, and whom to pair, at the next learning session.

The learning sessions of a Breakthrough Series rest on the norm "all teach, all learn" (IHI,
"The Breakthrough Series", 2003): teams that made a change work show how, and teams that are
stuck learn from a team that worked on the same driver. The kit suggests; the faculty decide.
Every suggestion carries its evidence in words (the chart signal, the faculty score, the PDSA
cycles and the driver they concern), so that no suggestion looks automatic.

Teams are matched on a primary driver by its wording (case and spacing ignored): teams that
adopted the change package share its drivers' words (``kit.qi.drivers.adopt_change_package``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from kit.qi.dashboard import CollaborativeRecords, TeamStatus
from kit.qi.records import DriverDiagram, PDSACycle

__all__ = ["DriverWork", "Suggestion", "driver_work", "suggest"]

#: a faculty score at or below this, without an improvement signal, reads as "stuck"
#: (2.5 on IHI's assessment scale: changes tested, no improvement yet; kit/content/assessment_scale.yaml)
STUCK_SCORE = 2.5


@dataclass(frozen=True)
class DriverWork:
    """What one team did on one primary driver: its cycles and the change ideas it adopted."""

    team_id: str
    driver: str
    cycles: tuple[PDSACycle, ...]
    adopted: tuple[str, ...]  # change ideas' words

    @property
    def key(self) -> str:
        return _key(self.driver)


@dataclass(frozen=True)
class Suggestion:
    """One suggestion for the next learning session; ``evidence`` says why, in sentences."""

    kind: Literal["present", "pair"]
    team_ids: tuple[str, ...]
    team_names: tuple[str, ...]
    title: str
    driver: str | None = None
    evidence: tuple[str, ...] = field(default_factory=tuple)


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _month(day: dt.date | None) -> str:
    return f"{day:%B %Y}" if day else "an undated month"


def driver_work(diagram: DriverDiagram, cycles: Iterable[PDSACycle]) -> list[DriverWork]:
    """Each primary driver of a team's diagram with the team's PDSA cycles on it.

    A cycle belongs to a primary driver through its change idea, the idea's secondary
    drivers and theirs primaries (a secondary may feed several primaries).
    """
    primaries = {p.id: p.text for p in diagram.primary_drivers}
    feeds = {s.id: s.primary_ids for s in diagram.secondary_drivers}
    idea_primaries = {
        i.id: {p for s in i.secondary_ids for p in feeds.get(s, [])} for i in diagram.change_ideas
    }
    idea_text = {i.id: i.text for i in diagram.change_ideas}
    on: dict[str, list[PDSACycle]] = defaultdict(list)
    for cycle in cycles:
        for pid in idea_primaries.get(cycle.change_idea_id or "", ()):
            on[pid].append(cycle)
    work = []
    for pid, text in primaries.items():
        mine = tuple(sorted(on[pid], key=lambda c: c.start or dt.date.min))
        adopted = tuple(
            dict.fromkeys(
                idea_text[c.change_idea_id]
                for c in mine
                if c.act == "adopt" and c.change_idea_id in idea_text
            )
        )
        work.append(DriverWork(diagram.team_id or "", text, mine, adopted))
    return work


def _strength(status: TeamStatus) -> tuple[int, float]:
    return sum(s.improving for s in status.signals), status.faculty_score or 0.0


def _is_stuck(status: TeamStatus) -> bool:
    score = status.faculty_score
    return not status.improving and (score is None or score <= STUCK_SCORE)


def _signal_evidence(status: TeamStatus) -> list[str]:
    return [
        f"Its chart of {s.measure_name} shows improvement since {_month(s.first_improvement)}."
        for s in status.signals
        if s.improving
    ]


def _score_evidence(status: TeamStatus, subject: str = "it") -> list[str]:
    pair = status.assessment
    if pair is None or pair.faculty is None:
        return []
    words = (
        f"Faculty ({pair.faculty_rater}) scored {subject} {pair.faculty:g} for {_month(pair.month)}"
    )
    if pair.team is not None:
        words += f"; the team scored itself {pair.team:g}"
    return [words + "."]


def _present(statuses: Sequence[TeamStatus], work: dict[str, list[DriverWork]], count: int):
    ranked = sorted(
        (s for s in statuses if s.improving), key=lambda s: (_strength(s), s.name), reverse=True
    )
    out = []
    for status in ranked[:count]:
        evidence = _signal_evidence(status) + _score_evidence(status)
        for w in work.get(status.team_id, []):
            if w.adopted:
                evidence.append(
                    f"On the driver '{w.driver}' it adopted {', '.join(repr(a) for a in w.adopted)} "
                    f"after {len(w.cycles)} PDSA cycle{'s' if len(w.cycles) != 1 else ''}."
                )
        out.append(
            Suggestion(
                kind="present",
                team_ids=(status.team_id,),
                team_names=(status.name,),
                title=f"Ask {status.name} to present",
                evidence=tuple(evidence),
            )
        )
    return out


def _stuck_sentence(name: str, w: DriverWork) -> str:
    if not w.cycles:
        return f"{name} has no PDSA cycle on '{w.driver}' yet."
    last = w.cycles[-1]
    decision = f", decision: {last.act}" if last.act else ", not yet decided"
    return (
        f"{name} has run {len(w.cycles)} PDSA cycle{'s' if len(w.cycles) != 1 else ''} on "
        f"'{w.driver}' without adopting a change (latest: '{last.title}'{decision})."
    )


def suggest(
    records: CollaborativeRecords,
    statuses: Sequence[TeamStatus],
    *,
    presenters: int = 3,
    pairs_per_mentor: int = 2,
) -> list[Suggestion]:
    """Teams to present (strongest improvement first), then pairs of a stuck team with a team
    that adopted a change on the same primary driver.

    A team is stuck when none of its charts signals improvement and its latest faculty score
    is at most 2.5 (or not set). Each stuck team gets at most one pair: on a driver it has
    tested without adopting a change if a mentor is found there, else on a driver it has not
    tested yet, in its diagram's order; a mentor is paired at most
    ``pairs_per_mentor`` times, so the load is shared.
    """
    by_team = {s.team_id: s for s in statuses}
    cycles: dict[str, list[PDSACycle]] = defaultdict(list)
    for cycle in records.cycles:
        cycles[cycle.team_id].append(cycle)
    work: dict[str, list[DriverWork]] = {}
    for team_id in by_team:
        diagram = records.diagram_of(team_id)
        if diagram is not None:
            work[team_id] = driver_work(diagram, cycles[team_id])
    suggestions = _present(statuses, work, presenters)
    mentors: dict[str, list[tuple[str, DriverWork]]] = defaultdict(list)
    for team_id, items in work.items():
        if by_team[team_id].improving:
            for w in items:
                if w.adopted:
                    mentors[w.key].append((team_id, w))
    load: dict[str, int] = defaultdict(int)
    for status in sorted(statuses, key=lambda s: s.name.casefold()):
        if not _is_stuck(status):
            continue
        # drivers the team has tested without adopting a change come first: that is "stuck"
        for w in sorted(work.get(status.team_id, []), key=lambda w: not w.cycles):
            if w.adopted:
                continue
            options = [
                (tid, mw)
                for tid, mw in mentors.get(w.key, [])
                if tid != status.team_id and load[tid] < pairs_per_mentor
            ]
            if not options:
                continue
            tid, mw = max(options, key=lambda o: (_strength(by_team[o[0]]), -load[o[0]]))
            load[tid] += 1
            mentor = by_team[tid]
            evidence = [
                _stuck_sentence(status.name, w),
                f"{mentor.name} adopted {', '.join(repr(a) for a in mw.adopted)} on the same "
                f"driver after {len(mw.cycles)} PDSA cycle{'s' if len(mw.cycles) != 1 else ''}.",
                *(f"{mentor.name}: {e[0].lower()}{e[1:]}" for e in _signal_evidence(mentor)),
                *_score_evidence(status, status.name),
            ]
            suggestions.append(
                Suggestion(
                    kind="pair",
                    team_ids=(status.team_id, tid),
                    team_names=(status.name, mentor.name),
                    title=f"Pair {status.name} with {mentor.name} on '{w.driver}'",
                    driver=w.driver,
                    evidence=tuple(evidence),
                )
            )
            break
    return suggestions
