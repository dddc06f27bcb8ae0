"""Advice on a collaborative's set-up: team rosters and the timeline of sessions.

These are warnings, not validation errors: a facilitator enrols teams and drafts dates step
by step, so the records accept an incomplete set-up and the set-up app lists what is still
missing beside it. Hard errors (a session ending before it starts, overlapping events) are
the records' own validators.

Sources: IHI, "The Breakthrough Series" white paper (2003): every team needs system
leadership, technical expertise and day-to-day leadership, usually three members attend each
learning session; three learning sessions separated by action periods, two days each (one-day
sessions are discouraged), ending in a closing congress; the usual length, with its source, is
``kit.content.collaborative_length()``.
"""

from __future__ import annotations

import datetime as dt

from kit.content import collaborative_length
from kit.qi.records import Collaborative, Milestone, Team

__all__ = [
    "MAX_MONTHS",
    "MIN_LEARNING_SESSIONS",
    "MIN_MONTHS",
    "enrolment_warnings",
    "roster_warnings",
    "timeline_warnings",
]

MIN_LEARNING_SESSIONS = 3
MIN_SESSION_DAYS = 2
#: the usual length of a collaborative, in months (kit/content/collaborative.yaml)
MIN_MONTHS = int(collaborative_length()["min"])
MAX_MONTHS = int(collaborative_length()["max"])


def roster_warnings(team: Team) -> list[str]:
    """What the team's roster still lacks, in words for the enrolment screen."""
    warnings: list[str] = []
    if not team.members:
        return [
            f"{team.name} has no members yet: add at least a senior leader, a technical "
            "expert and a day-to-day leader."
        ]
    missing = team.missing_roles()
    if missing:
        warnings.append(
            f"{team.name} has no {_join(missing)} yet: every team needs system leadership, "
            "technical expertise and day-to-day leadership."
        )
    if len(team.members) < 3:
        warnings.append(
            f"{team.name} has {len(team.members)} member{'s' if len(team.members) != 1 else ''}; "
            "usually three attend each learning session."
        )
    if not any(m.role == "patient_partner" for m in team.members):
        warnings.append(f"Consider adding a patient or lived-experience partner to {team.name}.")
    names = [m.name.casefold() for m in team.members]
    for name in sorted({n for n in names if names.count(n) > 1}):
        warnings.append(f"{team.name} lists '{name}' more than once.")
    return warnings


def enrolment_warnings(teams: list[Team]) -> dict[str, list[str]]:
    """Team id -> roster warnings, only for teams that have any."""
    result = {team.id: roster_warnings(team) for team in teams}
    return {team_id: warnings for team_id, warnings in result.items() if warnings}


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _months_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / 30.44


def timeline_warnings(
    collaborative: Collaborative,
    *,
    min_sessions: int = MIN_LEARNING_SESSIONS,
    min_session_days: int = MIN_SESSION_DAYS,
    min_months: int = MIN_MONTHS,
    max_months: int = MAX_MONTHS,
) -> list[str]:
    """Advice on the timeline: sessions, action periods between them, prework, congress."""
    timeline = sorted(collaborative.timeline, key=lambda m: (m.start, m.end))
    if not timeline:
        return [
            "The timeline is empty: add the prework, the learning sessions, the action "
            "periods and the closing congress."
        ]
    sessions = [m for m in timeline if m.kind == "learning_session"]
    periods = [m for m in timeline if m.kind == "action_period"]
    prework = [m for m in timeline if m.kind == "prework"]
    congress = [m for m in timeline if m.kind == "closing_congress"]
    warnings: list[str] = []

    if len(sessions) < min_sessions:
        warnings.append(
            f"The timeline has {len(sessions)} learning session"
            f"{'s' if len(sessions) != 1 else ''}; a Breakthrough Series usually has "
            f"{min_sessions}, with action periods between them."
        )
    for session in sessions:
        days = (session.end - session.start).days + 1
        if days < min_session_days:
            warnings.append(
                f"{session.label} lasts {days} day{'s' if days != 1 else ''}; two days is "
                "standard, and one-day sessions leave too little team time."
            )

    for earlier, later in zip(sessions, sessions[1:], strict=False):
        between = [p for p in periods if p.start >= earlier.end and p.end <= later.start]
        if not between:
            warnings.append(f"There is no action period between {earlier.label} and {later.label}.")
    for period in periods:
        before = [s for s in sessions if s.end <= period.start]
        if not before:
            warnings.append(
                f"{period.label} starts before any learning session; action periods follow "
                "a learning session."
            )
            continue
        after = [m for m in (*sessions, *congress) if m.start >= period.end]
        if not after and congress:
            warnings.append(f"{period.label} runs past the closing congress.")

    if not prework:
        warnings.append("Add the prework period before Learning Session 1.")
    elif sessions and prework[0].end > sessions[0].start:
        warnings.append(f"The prework should end before {sessions[0].label} starts.")
    if not congress:
        warnings.append(
            "Add the closing congress, where teams share results and plan to hold the gains."
        )
    elif sessions and congress[-1].start < sessions[-1].end:
        warnings.append(f"The closing congress is dated before {sessions[-1].label} ends.")

    first = _first_active(timeline)
    months = _months_between(first.start, timeline[-1].end) if first else 0.0
    if first and not (min_months <= months <= max_months):
        warnings.append(
            f"From {first.label} to the end the timeline spans about {months:.0f} months; a "
            f"Breakthrough Series usually runs {min_months} to {max_months} months (IHI "
            "Breakthrough Series white paper, 2003)."
        )
    return warnings


def _first_active(timeline: list[Milestone]) -> Milestone | None:
    """The first learning session (the collaborative's start, prework aside)."""
    return next((m for m in timeline if m.kind == "learning_session"), None)
