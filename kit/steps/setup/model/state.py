"""What every part of the set-up model shares: the records loaded, and how they are saved.

The set-up step edits several records at once (the collaborative, its teams, the vote's
topics and criteria, each person's ballot). Each is held as the ``Saved`` version it was loaded
at and saved over that version (``kit/steps/versioned.py``), so a stale edit raises
``EditConflict`` instead of overwriting someone else's. The sections (``charter.py``,
``timeline.py``, ``enrolment.py``, ``topics.py``, ``ballot.py``) add their edits to this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kit.errors import PermissionDenied
from kit.qi import Collaborative, Team, TopicBallot, TopicCandidate, TopicSelection, check
from kit.steps.base import StepModel
from kit.steps.versioned import delete_versioned, save_versioned
from kit.store.access import Actor

if TYPE_CHECKING:
    from kit.store import Saved


def as_data(record: Any) -> dict[str, Any]:
    """A record as plain data, to change a field and check the result again."""
    return record.model_dump(mode="json")


class SetupState(StepModel):
    """The records the set-up step shows, loaded for one person."""

    collaborative: Saved[Collaborative]
    teams: dict[str, Saved[Team]]
    selection: Saved[TopicSelection] | None
    candidates: dict[str, Saved[TopicCandidate]]

    def __init__(self, store: Any, actor: Actor) -> None:
        super().__init__(store, actor)
        self.voter = ""
        self.ballot: Saved[TopicBallot] | None = None
        self.reload()

    def reload(self) -> None:
        """Read everything again from the store (after a conflict, or in a new kernel)."""
        actor, cid = self.actor, self.collaborative_id
        self.collaborative = self.store.get(Collaborative, cid, actor)
        self.teams = {
            s.record.id: s
            for s in sorted(
                self.store.find(Team, actor, collaborative_id=cid),
                key=lambda s: s.record.name.casefold(),
            )
        }
        found = self.store.find(TopicSelection, actor, collaborative_id=cid)
        self.selection = found[0] if found else None
        self.candidates = {
            s.record.id: s for s in self.store.find(TopicCandidate, actor, collaborative_id=cid)
        }
        self.ballot = self._find_ballot(self.voter) if self.voter else None

    def _find_ballot(self, voter: str) -> Saved[TopicBallot] | None:
        raise NotImplementedError  # ballot.py

    def _require_facilitator(self, what: str) -> None:
        if not self.is_facilitator:
            raise PermissionDenied(f"Only the facilitator can change {what}; you can read it.")

    def _save_collaborative(self, changes: dict[str, Any]) -> None:
        """Apply ``changes`` to the collaborative as loaded, check it, save it if it changed
        (the charter and the timeline are both fields of it)."""
        record = check(Collaborative, as_data(self.collaborative.record) | changes)
        if record == self.collaborative.record:
            return
        self.collaborative = self._save(self.collaborative, record)

    def _save(self, saved: Saved[Any] | None, record: Any) -> Saved[Any]:
        return save_versioned(self.store, self.actor, record, saved)

    def _delete(self, saved: Saved[Any]) -> None:
        delete_versioned(self.store, self.actor, saved)
