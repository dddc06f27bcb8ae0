"""The timeline: prework, learning sessions, action periods and the closing congress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kit.errors import KitInputError
from kit.qi.records import MILESTONE_LABELS, Milestone
from kit.qi.team import timeline_warnings
from kit.steps.setup.model.state import SetupState, as_data


@dataclass(frozen=True)
class Slot:
    """One row of the standard BTS timeline: prework, LS1, AP1, ..., closing congress."""

    kind: str
    number: int | None

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.number}" if self.number else self.kind

    @property
    def label(self) -> str:
        base = MILESTONE_LABELS[self.kind]
        return f"{base} {self.number}" if self.number else base


MILESTONE_SLOTS = [
    Slot("prework", None),
    Slot("learning_session", 1),
    Slot("action_period", 1),
    Slot("learning_session", 2),
    Slot("action_period", 2),
    Slot("learning_session", 3),
    Slot("action_period", 3),
    Slot("closing_congress", None),
]


def _same_slot(milestone: Milestone, kind: str, number: int | None) -> bool:
    return str(milestone.kind) == kind and (milestone.number or None) == (number or None)


class TimelineEdits(SetupState):
    """Dating the blocks of the timeline, a field of the collaborative like the charter."""

    @property
    def milestones(self) -> list[Milestone]:
        return sorted(self.collaborative.record.timeline, key=lambda m: (m.start, m.end))

    def milestone(self, kind: str, number: int | None = None) -> Milestone | None:
        return next(
            (m for m in self.collaborative.record.timeline if _same_slot(m, kind, number)), None
        )

    def set_milestone(
        self, kind: str, number: int | None, start: dt.date | None, end: dt.date | None
    ) -> None:
        """Date one block of the timeline; both dates empty removes it from the timeline."""
        self._require_facilitator("the timeline")
        label = Slot(kind, number).label
        if kind not in MILESTONE_LABELS:
            raise KitInputError(f"'{kind}' is not part of a Breakthrough Series timeline.")
        timeline = [
            as_data(m)
            for m in self.collaborative.record.timeline
            if not _same_slot(m, kind, number)
        ]
        if start is None and end is None:
            self._save_collaborative({"timeline": timeline})
            return
        if start is None or end is None:
            missing = "a start" if start is None else "an end"
            raise KitInputError(f"{label} needs {missing} date too.")
        timeline.append(
            {"kind": kind, "number": number, "start": start.isoformat(), "end": end.isoformat()}
        )
        self._save_collaborative({"timeline": timeline})

    def timeline_warnings(self) -> list[str]:
        """Advice on a timeline that is valid but unusual (missing sessions, one-day sessions,
        no action period between sessions, a length outside the usual one of
        ``kit.content.collaborative_length()``). The record's
        validators already refuse the impossible: an end before a start, overlaps."""
        return timeline_warnings(self.collaborative.record)
