"""What every part of the measures model shares: the team looked at and its measures.

A participant looks at their own team; a facilitator picks any team (to read its family and
data) and edits the collaborative's core measures (``Measure.team_id`` ``None``), which every
team gets. The store enforces the same rules (``kit/store/access.py``); the model checks
first so a refusal reads in this app's words.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from kit.errors import KitInputError, PermissionDenied
from kit.qi import Collaborative, Measure, Observation, Team
from kit.qi.family import Family, family_for_team
from kit.steps.base import StepModel
from kit.store.access import Actor

if TYPE_CHECKING:
    from kit.store import Saved


class MeasuresState(StepModel):
    """The team being looked at, the collaborative's measures as loaded, the one selected."""

    def __init__(
        self,
        store: Any,
        actor: Actor,
        team_id: str | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(store, actor)
        self.today = today or dt.date.today()
        self.team_id: str | None = None
        self.selected_id: str | None = None
        self._measures: dict[str, Saved[Measure]] = {}
        #: each grid row's data point as last shown, by (measure id, period): typing saves
        #: over that version (``kit/steps/measures/model/data.py``)
        self._shown: dict[tuple[str, dt.date], Saved[Observation] | None] = {}
        #: the measure last previewed for pasting and the versions of its stored periods then
        self._paste_read: tuple[str, dict[dt.date, int]] | None = None
        chosen = team_id or actor.team_id
        if chosen:
            self.select_team(chosen)
        else:
            self.reload()

    # --- who ------------------------------------------------------------------------------

    @property
    def can_edit_team(self) -> bool:
        """Teams change their own family and data; faculty read a team's without changing it."""
        return (
            not self.is_facilitator
            and self.team_id is not None
            and self.team_id == self.own_team_id
        )

    def can_edit(self, measure: Measure) -> bool:
        """A team edits its own measures; the facilitator edits the core measures."""
        if self.is_facilitator:
            return measure.team_id is None
        return self.can_edit_team and measure.team_id == self.team_id

    def teams(self) -> list[tuple[str, str]]:
        """(name, id) of the teams this person may look at, by name."""
        if not self.is_facilitator:
            team = self.store.get(Team, str(self.own_team_id), self.actor).record
            return [(team.name, team.id)]
        found = self.store.find(Team, self.actor, collaborative_id=self.collaborative_id)
        return sorted(((s.record.name, s.record.id) for s in found), key=lambda t: t[0].lower())

    def team_name(self) -> str:
        if not self.team_id:
            return ""
        return self.store.get(Team, self.team_id, self.actor).record.name

    def select_team(self, team_id: str) -> None:
        """Look at a team's family; a participant may only pick their own team."""
        if not self.is_facilitator and team_id != self.own_team_id:
            raise PermissionDenied(
                "These measures belong to another team; each team sees only its own work."
            )
        self.team_id = team_id
        self.reload()

    # --- measures -------------------------------------------------------------------------

    def reload(self) -> Family:
        """Read the collaborative's measures again (after a conflict, or a kernel restart)."""
        found = self.store.find(Measure, self.actor, collaborative_id=self.collaborative_id)
        self._shown = {}
        self._measures = {s.record.id: s for s in found if s.record.team_id in (None, self.team_id)}
        family = self.family()
        ids = [m.id for m in family.measures]
        if self.selected_id not in ids:
            self.selected_id = ids[0] if ids else None
        return family

    def family(self) -> Family:
        """The core measures, then the team's own, in the order they were added."""
        return family_for_team(
            (s.record for s in self._measures.values()),
            self.team_id or "",
            self.collaborative_id,
        )

    def measure(self, measure_id: str | None = None) -> Measure:
        """A measure of the family (the selected one by default), or a sentence saying why not."""
        wanted = measure_id or self.selected_id
        saved = self._measures.get(wanted or "")
        if saved is None:
            raise KitInputError("Choose one of the family's measures first.")
        return saved.record

    def saved_measure(self, measure_id: str) -> Saved[Measure]:
        saved = self._measures.get(measure_id)
        if saved is None:
            raise KitInputError("That measure is not in this family any more; reload the page.")
        return saved

    def select(self, measure_id: str) -> Measure:
        measure = self.measure(measure_id)
        self.selected_id = measure.id
        return measure

    def collaborative_start(self) -> dt.date | None:
        """The first day of the collaborative's timeline (its prework), if it has one."""
        try:
            collab = self.store.get(Collaborative, self.collaborative_id, self.actor).record
        except KitInputError:
            return None
        starts = [m.start for m in collab.timeline]
        return min(starts) if starts else None

    def _remember(self, saved: Saved[Measure]) -> None:
        self._measures[saved.record.id] = saved

    def _require_team_edit(self) -> str:
        """The team whose data may be changed now, or a refusal in words."""
        if not self.can_edit_team or self.team_id is None:
            raise PermissionDenied(
                "You are looking at this team's data as faculty; only the team changes it."
                if self.is_facilitator
                else "This data belongs to another team; you can only change your own team's."
            )
        return self.team_id
