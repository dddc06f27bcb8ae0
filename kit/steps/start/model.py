"""What the start page shows: the journey in BTS order and, for faculty, the join codes."""

from __future__ import annotations

from dataclasses import dataclass

from kit.apps import journey
from kit.qi import Collaborative, Team
from kit.ui.session import Identity

#: the journey map in BTS order: notebook (None while a step has no app yet), step, question
JOURNEY = [(step.notebook, step.step, step.question) for step in journey()]


@dataclass
class TeamCode:
    team: str
    organisation: str
    code: str
    missing_roles: list[str]


def join_codes(store, identity: Identity) -> list[TeamCode]:
    """Each team's join code (issuing one where none exists), for the facilitator only."""
    actor = identity.actor()
    teams = store.find(Team, actor, collaborative_id=identity.collaborative_id)
    codes = store.join_codes(identity.collaborative_id, actor)
    rows = []
    for saved in sorted(teams, key=lambda s: s.record.name):
        team = saved.record
        code = codes.get(team.id) or store.issue_join_code(team.id, actor)
        rows.append(TeamCode(team.name, team.organisation, code, team.missing_roles()))
    return rows


def collaborative(store, identity: Identity) -> Collaborative:
    return store.get(Collaborative, identity.collaborative_id, identity.actor()).record
