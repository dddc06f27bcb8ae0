"""The learning-sessions step's state: one agenda per collaborative and meeting, in blocks.

A facilitator picks a meeting (the prework meeting, learning sessions 1-3, the closing
congress), starts from the kit's template for it (``kit/content/agendas.yaml``, the agendas the
facilitator guide prints) and edits the blocks. Every edit saves the whole agenda over the
version loaded (``VersionedRecord``): a stale save raises ``EditConflict``, and every version can
be listed and restored. Until the first edit the template is shown unsaved, so opening the app
writes nothing. Times are computed (``kit.qi.agenda.timed_blocks``), never stored.

No widgets here (``tests/qi/test_purity.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from kit.content import agendas
from kit.errors import KitInputError, PermissionDenied
from kit.qi import Collaborative, check
from kit.qi.agenda import (
    MAX_BLOCK_MINUTES,
    Agenda,
    AgendaBlock,
    TimedBlock,
    agenda_from_template,
    describe,
    timed_blocks,
    zone,
)
from kit.qi.agenda_export import agenda_html, agenda_ics
from kit.steps.base import StepModel
from kit.steps.versioned import HistoryEntry, VersionedRecord
from kit.store.access import Actor

if TYPE_CHECKING:
    from kit.store import Saved

#: the timeline milestone each meeting is dated from: (kind, number)
MILESTONES = {
    "prework": ("prework", None),
    "ls1": ("learning_session", 1),
    "ls2": ("learning_session", 2),
    "ls3": ("learning_session", 3),
    "congress": ("closing_congress", None),
}
BLOCK_FIELDS = ("kind", "title", "minutes", "lead", "app", "exercise")


def parse_minutes(raw: Any) -> int:
    """'45', ' 45 min' -> 45; anything else -> a sentence saying what is wrong."""
    text = str(raw if raw is not None else "").strip().lower()
    text = re.sub(r"\s*(min|mins|minutes|m)$", "", text)
    if not text.isdigit():
        raise KitInputError(
            f"Minutes must be a whole number from 5 to {MAX_BLOCK_MINUTES}; '{str(raw)[:20]}' is not."
        )
    value = int(text)
    if not 5 <= value <= MAX_BLOCK_MINUTES:
        raise KitInputError(
            f"A block lasts from 5 to {MAX_BLOCK_MINUTES} minutes; {value} is outside."
        )
    return value


def parse_clock(raw: Any) -> dt.time:
    """'9:30', '09:30', '13.00' -> a time of day; else a sentence."""
    match = re.fullmatch(r"\s*(\d{1,2})[:.h](\d{2})\s*", str(raw or ""))
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise KitInputError(
            f"Write the start as hours:minutes, e.g. 09:00; '{str(raw)[:20]}' is not."
        )
    return dt.time(int(match[1]), int(match[2]))


class SessionsModel(StepModel):
    """The agenda of one meeting of the collaborative, edited by faculty."""

    def __init__(
        self, store: Any, actor: Actor, meeting: str = "ls1", *, today: dt.date | None = None
    ) -> None:
        super().__init__(store, actor)
        if not self.is_facilitator and actor.role != "system":
            raise PermissionDenied(
                "Learning-session agendas are planned by the collaborative's faculty."
            )
        self.today = today or dt.date.today()
        self.meeting = ""
        self.current: VersionedRecord[Agenda] = VersionedRecord(
            store, actor, Agenda, self._blank("ls1")
        )
        self.select(meeting)

    # --- which meeting ----------------------------------------------------------------------

    @staticmethod
    def meetings() -> list[tuple[str, str]]:
        """(name, key) of every meeting with a template, in the collaborative's order."""
        return [(m["name"], key) for key, m in agendas().items()]

    def variants(self) -> list[tuple[str, str]]:
        """(label, key) of the templates for the meeting chosen."""
        return [(v["label"], key) for key, v in agendas()[self.meeting]["variants"].items()]

    def template_cuts(self, variant: str) -> list[str]:
        """What a shorter template leaves out, as the content file says."""
        return list(agendas()[self.meeting]["variants"][variant].get("cuts", []))

    def select(self, meeting: str) -> Agenda:
        if meeting not in agendas():
            raise KitInputError(f"There is no meeting '{meeting}'; choose one from the list.")
        self.meeting = meeting
        return self.reload()

    def reload(self) -> Agenda:
        """Read this meeting's agenda again; the template, unsaved, when there is none yet."""
        found = self.store.find(
            Agenda, self.actor, collaborative_id=self.collaborative_id, meeting=self.meeting
        )
        return self.current.load(found[0] if found else None, self._blank(self.meeting))

    def _milestone_date(self, meeting: str) -> dt.date | None:
        found = self.store.find(Collaborative, self.actor, id=self.collaborative_id)
        if not found:
            return None
        kind, number = MILESTONES[meeting]
        for milestone in found[0].record.timeline:
            if milestone.kind == kind and (number is None or milestone.number == number):
                return milestone.start
        return None

    def _blank(self, meeting: str, variant: str | None = None) -> Agenda:
        date = self._milestone_date(meeting) if self.collaborative_id else None
        return agenda_from_template(
            self.collaborative_id or "-", meeting, date or self.today, variant
        )

    @property
    def agenda(self) -> Agenda:
        return self.current.record

    @property
    def saved(self) -> Saved[Agenda] | None:
        return self.current.saved

    def timed(self) -> list[TimedBlock]:
        return timed_blocks(self.agenda)

    # --- editing ----------------------------------------------------------------------------

    def _save(self, data: dict[str, Any]) -> Saved[Agenda]:
        record = check(Agenda, data)
        timed_blocks(record)  # refuses a day that runs past midnight
        return self.current.save(record)

    def _data(self) -> dict[str, Any]:
        return self.agenda.model_dump()

    def use_template(self, variant: str | None = None) -> Saved[Agenda]:
        """Replace the blocks with a template's (the date, zone and venue stay); saved as a
        new version, so the edited agenda can be restored."""
        fresh = self._blank(self.meeting, variant).model_dump()
        data = self._data()
        data.update(days=fresh["days"], template=fresh["template"], title=fresh["title"])
        return self._save(data)

    def set_details(self, **fields: Any) -> Saved[Agenda]:
        """Change the title, first day, time zone or venue."""
        unknown = set(fields) - {"title", "date", "timezone", "venue"}
        if unknown:
            raise KitInputError(f"An agenda has no setting {', '.join(sorted(unknown))}.")
        if "timezone" in fields:
            zone(str(fields["timezone"]))
        data = self._data()
        data.update(fields)
        return self._save(data)

    def set_day_start(self, day: int, raw: Any) -> Saved[Agenda]:
        data = self._data()
        self._day(data, day)["starts"] = parse_clock(raw)
        return self._save(data)

    def _day(self, data: dict[str, Any], day: int) -> dict[str, Any]:
        if not 0 <= day < len(data["days"]):
            raise KitInputError(f"This agenda has no day {day + 1}.")
        return data["days"][day]

    def _block(self, data: dict[str, Any], day: int, index: int) -> dict[str, Any]:
        blocks = self._day(data, day)["blocks"]
        if not 0 <= index < len(blocks):
            raise KitInputError(f"Day {day + 1} has no block {index + 1}.")
        return blocks[index]

    def update_block(self, day: int, index: int, **fields: Any) -> Saved[Agenda]:
        """Change a block's fields; ``minutes`` may be text ('45'); later blocks move."""
        unknown = set(fields) - set(BLOCK_FIELDS)
        if unknown:
            raise KitInputError(f"A block has no field {', '.join(sorted(unknown))}.")
        if "minutes" in fields:
            fields["minutes"] = parse_minutes(fields["minutes"])
        data = self._data()
        self._block(data, day, index).update(
            {k: v if v is not None else "" for k, v in fields.items()}
        )
        return self._save(data)

    def add_block(self, day: int, after: int | None = None) -> Saved[Agenda]:
        """A new 15-minute team-time block after block ``after`` (at the end when None)."""
        data = self._data()
        blocks = self._day(data, day)["blocks"]
        position = len(blocks) if after is None else after + 1
        blocks.insert(
            position,
            AgendaBlock(kind="team_time", title="New block", minutes=15, lead="Teams").model_dump(),
        )
        return self._save(data)

    def remove_block(self, day: int, index: int) -> Saved[Agenda]:
        data = self._data()
        self._block(data, day, index)
        del self._day(data, day)["blocks"][index]
        return self._save(data)

    def move_block(self, day: int, index: int, step: int) -> Saved[Agenda]:
        """Move a block up (-1) or down (+1) within its day."""
        data = self._data()
        blocks = self._day(data, day)["blocks"]
        self._block(data, day, index)
        target = index + step
        if not 0 <= target < len(blocks):
            raise KitInputError("That block cannot move further that way.")
        blocks[index], blocks[target] = blocks[target], blocks[index]
        return self._save(data)

    def add_day(self) -> Saved[Agenda]:
        data = self._data()
        if len(data["days"]) >= 5:
            raise KitInputError("An agenda has at most five days.")
        data["days"].append(
            {
                "starts": dt.time(9, 0),
                "blocks": [AgendaBlock(title="Welcome", minutes=15, lead="Chair").model_dump()],
            }
        )
        return self._save(data)

    def remove_day(self, day: int) -> Saved[Agenda]:
        data = self._data()
        self._day(data, day)
        if len(data["days"]) == 1:
            raise KitInputError("An agenda needs at least one day.")
        del data["days"][day]
        return self._save(data)

    # --- history and exports ----------------------------------------------------------------

    def history(self) -> list[HistoryEntry[Agenda]]:
        return self.current.history(describe)

    def restore(self, version: int) -> Saved[Agenda]:
        return self.current.restore(version)

    def collaborative_name(self) -> str:
        found = self.store.find(Collaborative, self.actor, id=self.collaborative_id)
        return found[0].record.name if found else ""

    def ics(self, *, stamp: dt.datetime | None = None) -> str:
        return agenda_ics(self.agenda, stamp=stamp)

    def printable(self) -> str:
        return agenda_html(self.agenda, collaborative=self.collaborative_name())

    def file_stem(self) -> str:
        return f"{self.meeting}-{self.agenda.date:%Y-%m-%d}"
