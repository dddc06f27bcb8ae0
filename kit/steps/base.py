"""What every step model starts from: the store, and the store's ``Actor`` for the person.

A step model is plain Python over the store (no widgets: ``tests/qi/test_purity.py`` checks
it). It takes the ``Actor`` the store checks rights with, never the page's sign-in session,
so the same model serves a notebook, a script and a test. It offers ``reload()``, which the
view base (``kit/ui/step.py``) calls when someone chooses "Reload theirs" after a conflict.
"""

from __future__ import annotations

from typing import Any, ClassVar

from kit.errors import KitInputError, PermissionDenied
from kit.store.access import Actor


class StepModel:
    """The store and the person using a step; subclasses add the records they edit."""

    def __init__(self, store: Any, actor: Actor) -> None:
        if actor.role != "system" and not actor.collaborative_id:
            raise KitInputError("Sign in to a collaborative first.")
        self.store = store
        self.actor = actor

    @property
    def is_facilitator(self) -> bool:
        return self.actor.role == "facilitator"

    @property
    def collaborative_id(self) -> str:
        return str(self.actor.collaborative_id or "")

    @property
    def own_team_id(self) -> str | None:
        """The signed-in participant's team (None for faculty)."""
        return self.actor.team_id

    def reload(self) -> Any:
        """Read everything this step shows again from the store."""
        raise NotImplementedError


class TeamStepModel(StepModel):
    """A step over one team's work: a team edits its own, faculty look at any team's.

    Why here: the aim, PDSA and report steps each chose a team, listed the teams a person may
    look at and refused another team's work with the same rules; one copy keeps those rules
    the same everywhere. The store checks access again on every read and write."""

    #: the refusal a participant reads when asking for another team's work
    other_team_refusal: ClassVar[str] = (
        "This work belongs to another team; each team sees only its own work."
    )

    def __init__(self, store: Any, actor: Actor) -> None:
        super().__init__(store, actor)
        self.team_id: str | None = None

    @property
    def can_edit(self) -> bool:
        """Teams write their own work; faculty look at a team's without changing it."""
        return (
            not self.is_facilitator
            and self.team_id is not None
            and self.team_id == self.own_team_id
        )

    def teams(self) -> list[tuple[str, str]]:
        """(name, id) of the teams this person may look at, by name."""
        from kit.qi.records import Team

        if not self.is_facilitator:
            team = self.store.get(Team, str(self.own_team_id), self.actor).record
            return [(team.name, team.id)]
        found = self.store.find(Team, self.actor, collaborative_id=self.collaborative_id)
        return sorted(((s.record.name, s.record.id) for s in found), key=lambda t: t[0].lower())

    def team_name(self) -> str:
        from kit.qi.records import Team

        if not self.team_id:
            return ""
        return self.store.get(Team, self.team_id, self.actor).record.name

    def select_team(self, team_id: str) -> None:
        """Show a team's work; a participant may only pick their own team."""
        if not self.is_facilitator and team_id != self.own_team_id:
            raise PermissionDenied(self.other_team_refusal)
        self.team_id = team_id
        self.team_selected()
        self.reload()

    def team_selected(self) -> None:
        """Forget what belonged to the team shown before (a chosen cycle, a period)."""
