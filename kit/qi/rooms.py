"""Records of a room doing an exercise together: the room the facilitator opens, and each
participant's answer in it.

They are kept in the store like every record (versions, access rules: a participant writes
only answers of their own team, the facilitator opens and closes rooms) but they are a
session's scratch work, not the collaborative's: workbooks and dataset exports leave them out,
which is why they are listed in ``ROOM_RECORD_TYPES`` and not in ``RECORD_TYPES``
(``kit/qi/records.py``). ``kit/exercises/room.py`` is the model that reads and writes them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from kit.qi.records import Name, Record


class ExerciseRoom(Record):
    """One exercise opened for the room: which exercise, its settings, open or closed."""

    kind: ClassVar[str] = "exercise_room"
    collaborative_id: str = Field(title="Collaborative")
    exercise: str = Field(min_length=1, max_length=60, title="Exercise")
    #: what every participant must see the same: the case's seed, the rule set, the items
    settings: dict[str, Any] = Field(default_factory=dict, title="Settings")
    open: bool = Field(default=True, title="Open for answers")


class RoomAnswer(Record):
    """One participant's latest answer in a room (answering again replaces it)."""

    kind: ClassVar[str] = "room_answer"
    collaborative_id: str = Field(title="Collaborative")
    team_id: str = Field(title="Team")
    room_id: str = Field(min_length=1, max_length=64, title="Room")
    participant: Name = Field(title="Your name")
    answer: dict[str, Any] = Field(default_factory=dict, title="Answer")


#: record kinds the store keeps but workbooks do not carry
ROOM_RECORD_TYPES: dict[str, type[Record]] = {cls.kind: cls for cls in (ExerciseRoom, RoomAnswer)}
