"""The family of measures: advice on it as a whole, adopting from the library, adding, removing.

The advice is ``kit.qi.family.check_family`` (no outcome, no balancing measure, more than
about eight). Who adds to which part: a team adopts or starts measures of its own; the
facilitator adds core measures, which every team gets. A core measure cannot be removed by a
team (``kit.qi.family.check_removal``); the facilitator removes one only while no team has
reported data for it, so no team's data is left without its measure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kit.errors import KitInputError, PermissionDenied
from kit.qi import Measure, Observation
from kit.qi.definitions import Finding
from kit.qi.family import (
    LibraryMeasure,
    adopt_measure,
    check_family,
    check_removal,
    library_entry,
    measure_library,
)
from kit.qi.records import MeasureKind, new_id
from kit.steps.measures.model.state import MeasuresState
from kit.steps.versioned import delete_versioned, save_versioned

if TYPE_CHECKING:
    from kit.store import Saved

#: the three kinds, in the order the family lists them, with what each one answers
KINDS: dict[str, str] = {
    "outcome": "Outcome: are patients better off?",
    "process": "Process: are the changes happening as planned?",
    "balancing": "Balancing: are we causing problems elsewhere?",
}


class FamilyEdits(MeasuresState):
    """Adopting, adding and removing measures, and the advice on the family."""

    def family_findings(self) -> list[Finding]:
        """Advice on the family as a whole; empty when it has none."""
        return check_family(self.family())

    @staticmethod
    def library() -> tuple[LibraryMeasure, ...]:
        return measure_library()

    def _new_measure_team(self) -> str | None:
        """Where a new measure goes: the facilitator's are core (None), a team's its own."""
        if self.is_facilitator:
            return None
        return self._require_team_edit()

    def adopt(self, key: str, **overrides: object) -> Saved[Measure]:
        """Add a library measure to the family (as a core measure when the facilitator adopts
        it); ``overrides`` adapt it, as ``kit.qi.family.adopt_measure`` describes."""
        team_id = self._new_measure_team()
        entry = library_entry(key)
        for measure in self.family().measures:
            if measure.library_key == key:
                where = "a core measure" if measure.team_id is None else "in your family"
                raise KitInputError(
                    f"'{entry.name}' is already {where} ('{measure.name}'); adapt that one "
                    "instead of adopting it twice."
                )
        measure = adopt_measure(
            key, collaborative_id=self.collaborative_id, team_id=team_id, **overrides
        )
        saved = save_versioned(self.store, self.actor, measure, None)
        self._remember(saved)
        self.selected_id = saved.record.id
        return saved

    def add_measure(self, name: str, kind: str) -> Saved[Measure]:
        """A new measure of the team's own (or a core one), to be defined in the form."""
        team_id = self._new_measure_team()
        name = name.strip()
        if not name:
            raise KitInputError("Give the new measure a name first.")
        if kind not in KINDS:
            raise KitInputError("Choose whether it is an outcome, process or balancing measure.")
        measure = Measure(
            id=new_id(),
            collaborative_id=self.collaborative_id,
            team_id=team_id,
            name=name,
            measure_kind=MeasureKind(kind),
            direction="down" if kind == "outcome" else "up",
        )
        saved = save_versioned(self.store, self.actor, measure, None)
        self._remember(saved)
        self.selected_id = saved.record.id
        return saved

    def data_count(self, measure_id: str) -> int:
        """How many data points are stored for a measure (every team's, for the facilitator)."""
        return len(self.store.find(Observation, self.actor, measure_id=measure_id))

    def remove(self, measure_id: str) -> None:
        """Take a measure out of the family; its history stays in the store."""
        saved = self.saved_measure(measure_id)
        measure = saved.record
        if self.is_facilitator:
            if measure.team_id is not None:
                raise PermissionDenied(
                    f"'{measure.name}' is the team's own measure; only the team removes it."
                )
            reported = self.data_count(measure_id)
            if reported:
                raise KitInputError(
                    f"Teams have reported {reported} data points for '{measure.name}'; a core "
                    "measure with data stays, so no team's data is left without its measure."
                )
        else:
            self._require_team_edit()
            check_removal(self.family(), measure_id)
        delete_versioned(self.store, self.actor, saved)
        self._measures.pop(measure_id, None)
        if self.selected_id == measure_id:
            ids = [m.id for m in self.family().measures]
            self.selected_id = ids[0] if ids else None
