"""What the start page shows: the journey in BTS order and, for faculty, the join codes.

Pure: it takes the store's ``Actor`` (never the UI's ``Identity``) and imports no widgets,
Jupyter or database engine, so it can be used and tested without either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kit.apps import journey
from kit.qi import Collaborative, Team

if TYPE_CHECKING:
    from kit.store import Actor

#: the journey map in BTS order: notebook (None while a step has no app yet), step, question
JOURNEY = [(step.notebook, step.step, step.question) for step in journey()]


@dataclass
class TeamCode:
    team: str
    organisation: str
    code: str
    missing_roles: list[str]


def _collaborative_id(actor: Actor) -> str:
    if not actor.collaborative_id:
        raise ValueError("The start page needs an actor signed in to one collaborative.")
    return actor.collaborative_id


def join_codes(store, actor: Actor) -> list[TeamCode]:
    """Each team's join code (issuing one where none exists), for the facilitator only."""
    collaborative_id = _collaborative_id(actor)
    teams = store.find(Team, actor, collaborative_id=collaborative_id)
    codes = store.join_codes(collaborative_id, actor)
    rows = []
    for saved in sorted(teams, key=lambda s: s.record.name):
        team = saved.record
        code = codes.get(team.id) or store.issue_join_code(team.id, actor)
        rows.append(TeamCode(team.name, team.organisation, code, team.missing_roles()))
    return rows


def collaborative(store, actor: Actor) -> Collaborative:
    """The collaborative the visitor signed in to."""
    return store.get(Collaborative, _collaborative_id(actor), actor).record
