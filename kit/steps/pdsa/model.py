"""The PDSA step's state: one team's cycles, each a versioned record, and the rules of a cycle.

No widgets here. The view hands over what the participant typed; this model builds the
``PDSACycle`` (``kit.qi.check`` turns a bad value into a sentence), and the rules of a cycle
come from ``kit/qi/pdsa.py``: no Do without a prediction, no Act without a Study, and "adapt"
starts the next cycle of the ramp. Every save goes over the version loaded
(``kit/steps/versioned.py``), so a cycle changed by a teammate meanwhile raises
``EditConflict`` instead of being overwritten, and every version is kept.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from kit.errors import KitInputError, PermissionDenied
from kit.qi import Measure, check
from kit.qi.definitions import Finding
from kit.qi.pdsa import (
    Ramp,
    check_plan,
    next_cycle,
    ramps,
    record_act,
    record_do,
    record_study,
    stage,
)
from kit.qi.records import ChangeIdea, DriverDiagram, PDSACycle, new_id
from kit.steps.base import TeamStepModel
from kit.steps.versioned import HistoryEntry, VersionedRecord
from kit.store.access import Actor

if TYPE_CHECKING:
    from kit.store import Saved

#: the Plan fields the form edits, in the order it shows them
PLAN_FORM = (
    "title",
    "change_idea_id",
    "objective",
    "questions",
    "prediction",
    "plan_who",
    "plan_what",
    "plan_when",
    "plan_where",
    "data_plan",
    "measure_ids",
    "scale",
    "start",
    "end",
)

STAGE_LABELS = {
    "plan": "Plan",
    "do": "Do",
    "study": "Study",
    "act": "Act",
    "done": "Done",
}


def describe(cycle: PDSACycle) -> str:
    """A version of a cycle in one line, for the history list."""
    decision = f", {cycle.act}" if cycle.act else ""
    return f"{cycle.title} ({STAGE_LABELS[stage(cycle)]}{decision})"


class PDSAModel(TeamStepModel):
    """One team's PDSA cycles. The team plans and records them; faculty read any team's."""

    other_team_refusal = (
        "These PDSA cycles belong to another team; each team sees only its own work."
    )

    def __init__(self, store: Any, actor: Actor, team_id: str | None = None) -> None:
        super().__init__(store, actor)
        self._saved: dict[str, Saved[PDSACycle]] = {}
        self._ideas: list[ChangeIdea] = []
        self._measures: dict[str, Measure] = {}
        self.current = VersionedRecord(store, actor, PDSACycle, PDSACycle(team_id="", title="-"))
        self.selected_id: str | None = None
        chosen = team_id or actor.team_id
        if chosen:
            self.select_team(chosen)

    # --- who and what -----------------------------------------------------------------

    def team_selected(self) -> None:
        self.selected_id = None

    def reload(self) -> PDSACycle | None:
        """Read the team's cycles, change ideas and measures again from the store."""
        if self.team_id is None:
            raise KitInputError("Choose a team first.")
        found = self.store.find(PDSACycle, self.actor, team_id=self.team_id)
        self._saved = {s.record.id: s for s in found}
        diagrams = self.store.find(
            DriverDiagram, self.actor, collaborative_id=self.collaborative_id, team_id=self.team_id
        )
        self._ideas = list(diagrams[0].record.change_ideas) if diagrams else []
        measures = self.store.find(Measure, self.actor, collaborative_id=self.collaborative_id)
        self._measures = {
            s.record.id: s.record for s in measures if s.record.team_id in (None, self.team_id)
        }
        if self.selected_id not in self._saved:
            latest = self.cycles()
            self.selected_id = latest[-1].id if latest else None
        return self.select(self.selected_id) if self.selected_id else None

    def change_ideas(self) -> list[ChangeIdea]:
        """The change ideas of the team's driver diagram, in its order."""
        return list(self._ideas)

    def measures(self) -> dict[str, Measure]:
        """The measures this team reports (the collaborative's and its own), by id."""
        return dict(self._measures)

    def cycles(self) -> list[PDSACycle]:
        """The team's cycles, oldest first (undated ones last)."""
        return sorted(
            (s.record for s in self._saved.values()),
            key=lambda c: (c.start or dt.date.max, c.title, c.id),
        )

    def ramps(self) -> list[Ramp]:
        """Each change idea's cycles over time, for the ramp view."""
        return ramps(self.cycles(), self._ideas)

    @property
    def cycle(self) -> PDSACycle | None:
        """The cycle on the form (``None`` before the team has planned one)."""
        return self.current.record if self.selected_id else None

    @property
    def version(self) -> int | None:
        return self.current.version if self.selected_id else None

    def select(self, cycle_id: str) -> PDSACycle:
        if cycle_id not in self._saved:
            raise KitInputError("That cycle is not one of this team's; pick it again.")
        self.selected_id = cycle_id
        saved = self._saved[cycle_id]
        return self.current.load(saved, saved.record)

    # --- saving -------------------------------------------------------------------------

    def _require_edit(self) -> None:
        if not self.can_edit:
            raise PermissionDenied(
                "You are looking at this team's cycles as faculty; only the team records them."
                if self.is_facilitator
                else "These cycles belong to another team; you can only change your own."
            )

    def _save(self, cycle: PDSACycle) -> PDSACycle:
        self._require_edit()
        if self.selected_id != cycle.id:
            self.current.load(self._saved.get(cycle.id), cycle)
        saved = self.current.save(cycle)
        self._saved[cycle.id] = saved
        self.selected_id = cycle.id
        return saved.record

    def plan_new(self, change_idea_id: str | None, title: str = "") -> PDSACycle:
        """A new cycle of a change idea, saved at once so the team can fill its plan in."""
        self._require_edit()
        idea = next((i for i in self._ideas if i.id == change_idea_id), None)
        if change_idea_id and idea is None:
            raise KitInputError("That change idea is not in your driver diagram; pick again.")
        title = title.strip() or (idea.text if idea else "")
        if not title:
            raise KitInputError("Give the cycle a title, or pick the change idea it tests.")
        cycle = check(
            PDSACycle,
            {
                "id": new_id(),
                "team_id": self.team_id,
                "change_idea_id": change_idea_id or None,
                "title": title[:200],
            },
        )
        return self._save(cycle)

    def plan_values(self) -> dict[str, Any]:
        """The selected cycle's plan as the form shows it."""
        cycle = self.cycle
        if cycle is None:
            return {}
        return {name: getattr(cycle, name) for name in PLAN_FORM}

    def draft_plan(self, raw: dict[str, Any]) -> PDSACycle:
        """The selected cycle with the plan the form holds; ``KitInputError`` in words."""
        cycle = self.cycle
        if cycle is None:
            raise KitInputError("Plan a new cycle first.")
        data = cycle.model_dump()
        for name in PLAN_FORM:
            if name not in raw:
                continue
            value = raw[name]
            if name in ("start", "end"):
                value = value.date() if isinstance(value, dt.datetime) else value
            elif name == "measure_ids":
                value = [m for m in (value or ()) if m in self._measures]
            elif name == "change_idea_id":
                value = value or None
            else:
                value = str(value or "").strip()
            data[name] = value
        if not data["title"]:
            raise KitInputError("Give the cycle a title.")
        return check(PDSACycle, data)

    def save_plan(self, raw: dict[str, Any]) -> PDSACycle:
        return self._save(self.draft_plan(raw))

    def plan_findings(self) -> list[Finding]:
        return check_plan(self.cycle) if self.cycle is not None else []

    def do(self, notes: str) -> PDSACycle:
        """Record what happened; refused while the plan has no prediction."""
        cycle = self._selected()
        return self._save(record_do(cycle, notes))

    def study(
        self, notes: str, prediction_held: Literal["yes", "partly", "no"] | None
    ) -> PDSACycle:
        """Record the Study: the result against the prediction, and whether it held."""
        cycle = self._selected()
        if prediction_held is None:
            raise KitInputError("Say whether the result matched the prediction: yes, partly or no.")
        return self._save(record_study(cycle, notes, prediction_held))

    def act(
        self, decision: Literal["adopt", "adapt", "abandon"] | None, notes: str = ""
    ) -> PDSACycle | None:
        """Record the decision; "adapt" also plans the next cycle of the ramp and selects it.

        Returns the next cycle when one was started, else ``None``.
        """
        cycle = self._selected()
        if decision is None:
            raise KitInputError("Choose adopt, adapt or abandon.")
        decided = self._save(record_act(cycle, decision, notes))
        if decision != "adapt":
            return None
        following = next_cycle(decided)
        return self._save(following)

    def _selected(self) -> PDSACycle:
        self._require_edit()
        if self.cycle is None:
            raise KitInputError("Plan a new cycle first.")
        return self.cycle

    def previous(self) -> PDSACycle | None:
        """The cycle the selected one follows in its ramp, if any."""
        cycle = self.cycle
        if cycle is None or not cycle.previous_id or cycle.previous_id not in self._saved:
            return None
        return self._saved[cycle.previous_id].record

    # --- history ------------------------------------------------------------------------

    def history(self) -> list[HistoryEntry[PDSACycle]]:
        """Every saved version of the selected cycle, newest first."""
        if self.cycle is None:
            return []
        return self.current.history(describe, summary_in_label=True)
