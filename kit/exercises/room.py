"""Room mode: the facilitator opens an exercise for the room, participants send answers, and
the facilitator's screen gathers them.

A room is an ``ExerciseRoom`` record (``kit/qi/rooms.py``) holding what everyone must see
the same (the case's seed, the rule set, the items to sort); each participant's answer is one
``RoomAnswer`` whose id is made from the room, the team and the name they gave, so answering
again replaces the earlier answer: one answer per participant. Participants sign in with their
team's join code, so several people of one team are told apart by the name they type.

The tallies are pure functions over the answers, so the facilitator's view only draws them.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from kit.errors import Conflict, KitInputError, PermissionDenied
from kit.qi.rooms import ExerciseRoom, RoomAnswer
from kit.steps.base import StepModel


def answer_id(room_id: str, team_id: str, participant: str) -> str:
    """The one id a participant's answer in a room has (names match whatever their case)."""
    key = f"{room_id}|{team_id}|{' '.join(participant.split()).casefold()}"
    return "ra-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


class RoomModel(StepModel):
    """The room of one exercise in the signed-in person's collaborative."""

    def __init__(self, store: Any, actor: Any, exercise: str) -> None:
        super().__init__(store, actor)
        self.exercise = exercise
        self.room: ExerciseRoom | None = None
        self._room_version: int | None = None
        self.reload()

    def reload(self) -> ExerciseRoom | None:
        """The exercise's open room, if the facilitator has opened one (the latest wins)."""
        rooms = [
            s
            for s in self.store.find(
                ExerciseRoom, self.actor, collaborative_id=self.collaborative_id or None
            )
            if s.record.exercise == self.exercise and s.record.open
        ]
        latest = max(rooms, key=lambda s: s.updated_at) if rooms else None
        self.room = latest.record if latest else None
        self._room_version = latest.version if latest else None
        return self.room

    # --- the facilitator ---------------------------------------------------------------

    def open_room(self, settings: dict[str, Any]) -> ExerciseRoom:
        """Open the exercise for the room with ``settings``; an open room before it closes."""
        if not self.is_facilitator:
            raise PermissionDenied("Only the facilitator can open an exercise for the room.")
        self.close_room()
        saved = self.store.save(
            ExerciseRoom(
                collaborative_id=self.collaborative_id, exercise=self.exercise, settings=settings
            ),
            self.actor,
            expected_version=None,
        )
        self.room, self._room_version = saved.record, saved.version
        return saved.record

    def close_room(self) -> None:
        """Stop taking answers (the answers stay in the store)."""
        if self.room is None or self._room_version is None:
            return
        self.store.save(
            self.room.model_copy(update={"open": False}),
            self.actor,
            expected_version=self._room_version,
        )
        self.room, self._room_version = None, None

    def answers(self) -> list[RoomAnswer]:
        """The room's answers the signed-in person may see, oldest first (faculty: all)."""
        if self.room is None:
            return []
        return [s.record for s in self.store.find(RoomAnswer, self.actor, room_id=self.room.id)]

    # --- a participant -----------------------------------------------------------------

    def submit(self, participant: str, answer: dict[str, Any]) -> RoomAnswer:
        """Send ``answer`` to the room as ``participant``, replacing their earlier answer."""
        if self.room is None:
            raise KitInputError("The facilitator has not opened this exercise for the room.")
        if not self.own_team_id:
            raise PermissionDenied("Answers come from participants; sign in with a join code.")
        name = " ".join((participant or "").split()) or self.actor.name or "Participant"
        record = RoomAnswer(
            id=answer_id(self.room.id, self.own_team_id, name),
            collaborative_id=self.collaborative_id,
            team_id=self.own_team_id,
            room_id=self.room.id,
            participant=name,
            answer=answer,
        )
        for _attempt in range(3):  # two people of one team with one name: the last one wins
            found = self.store.find(RoomAnswer, self.actor, id=record.id)
            version = found[0].version if found else None
            try:
                return self.store.save(record, self.actor, expected_version=version).record
            except Conflict:
                continue
        raise Conflict("The room is busy; send your answer again.")


# --- tallies (pure) --------------------------------------------------------------------


def latest_by_participant(answers: Iterable[RoomAnswer]) -> list[RoomAnswer]:
    """One answer per participant (team and name), whatever the store returned."""
    seen: dict[tuple[str, str], RoomAnswer] = {}
    for a in answers:
        seen[(a.team_id, a.participant.casefold())] = a
    return list(seen.values())


def tally_marks(answers: Iterable[RoomAnswer], points: int) -> list[int]:
    """How many participants marked each point as a signal (spot the signal)."""
    counts = [0] * points
    for a in latest_by_participant(answers):
        for i in {int(i) for i in a.answer.get("marked", [])}:
            if 0 <= i < points:
                counts[i] += 1
    return counts


def tally_choices(answers: Iterable[RoomAnswer], items: Sequence[str]) -> dict[str, Counter[str]]:
    """For each item to sort, how many participants put it in each group."""
    tally: dict[str, Counter[str]] = {key: Counter() for key in items}
    for a in latest_by_participant(answers):
        for key, choice in (a.answer.get("choices") or {}).items():
            if key in tally and choice:
                tally[key][str(choice)] += 1
    return tally


def room_draws(answers: Iterable[RoomAnswer]) -> list[tuple[str, int, int]]:
    """Every paddleful the room drew, in chart order (day by day, worker by worker):
    (worker, day, red beads)."""
    draws = [
        (a.participant, day, int(red))
        for a in latest_by_participant(answers)
        for day, red in enumerate(a.answer.get("red", []), start=1)
    ]
    return sorted(draws, key=lambda d: (d[1], d[0].casefold()))
