"""Hostile text for every free-text field: the payloads, and a collaborative filled with them.

A workshop's free text is typed by anyone. ``fill_with_payloads(store)`` takes the demo
collaborative and puts a script or HTML payload into every string field of the records a team
and its facilitator see (team and member names, aims, drivers, change ideas, measure
definitions, PDSA notes, monthly reports, assessment notes, topic candidates and ballots, an
agenda, an exercise room's answer). Which fields are free text is found, not listed: every
string leaf of a record that still validates with a payload in it, except the references
(ids, keys, app and exercise names) that would break the collaborative's links.

Each stored value is ``[tag] payload``: the tag names the field (``aim.what``), so a test can
say which field a page shows, and a page that showed the tag but not the whole payload after
it has interpreted or cut the text. The browser test (``tests/browser/test_hostile_text.py``)
and the export test (``tests/security/test_hostile_exports.py``) share this module.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from kit.qi import (
    Agenda,
    Aim,
    Assessment,
    Collaborative,
    DriverDiagram,
    Measure,
    MonthlyReport,
    PDSACycle,
    Record,
    Team,
    TopicBallot,
    TopicCandidate,
    TopicSelection,
)
from kit.store import Actor

COLLAB = "demo-falls"
TEAM = "team-riverside"
OTHER_TEAM = "team-northfield"
SYSTEM = Actor.system("hostile-text test")

#: what a script that ran would leave behind; a test asserts it stays undefined
PWNED = "__kit_pwned"

#: script and HTML injection, template and markdown tricks, each short enough for a unit field
PAYLOADS = [
    "<script>window.__kit_pwned=1</script>",
    '<img src=x onerror="window.__kit_pwned=2">',
    '"><svg onload="window.__kit_pwned=3">',
    '<a href="javascript:window.__kit_pwned=4">go</a>',
    "{{7*7}} {% if 1 %}jinja{% endif %} ${7*7}",
    "[md](javascript:window.__kit_pwned=5) **b** <b>x</b>",
    "'); window.__kit_pwned=6; ('",
    "<iframe srcdoc='<script>parent.__kit_pwned=7</script>'>",
    "&lt;i&gt;entity&lt;/i&gt; &amp; </textarea></style>",
]

#: string fields that link records together, not text a person types
REFERENCE_FIELDS = {
    "id",
    "key",
    "kind",
    "app",
    "exercise",
    "template",
    "timezone",
    "library_key",
    "scale",
    "email",
    "session_id",
    "meeting",
    "rated_by",
}


def is_reference(name: str) -> bool:
    return name in REFERENCE_FIELDS or name.endswith(("_id", "_ids"))


def hostile_value(tag: str, payload: str) -> str:
    return f"[{tag}] {payload}"


@dataclass
class Seeded:
    """What was stored: ``values[tag]`` is the exact text typed into the field ``tag``."""

    values: dict[str, str] = field(default_factory=dict)

    def tags(self, prefix: str) -> list[str]:
        return sorted(t for t in self.values if t == prefix or t.startswith(prefix + "."))

    def visible_in(self, text: str) -> set[str]:
        """The tags of the values ``text`` shows in full."""
        return {tag for tag, value in self.values.items() if value in text}

    def cut_in(self, text: str) -> list[str]:
        """Values whose tag ``text`` shows without the whole payload after it: interpreted,
        mangled or cut."""
        cut = []
        for tag, value in self.values.items():
            if f"[{tag}]" in text and value not in text:
                cut.append(tag)
        return sorted(cut)


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and is_reference(key):
                continue
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, (*path, index))
    elif isinstance(data, str):
        yield path, data


def _put(data: Any, path: tuple[Any, ...], value: str) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


def _short(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)


def make_hostile(record: Record, prefix: str, seeded: Seeded, payloads: Iterator[str]) -> Record:
    """``record`` with a payload in every free-text field that accepts one."""
    cls = type(record)
    data = record.model_dump(mode="json")
    for path, _old in list(_leaves(data)):
        if is_reference(str(path[-1])) or (len(path) > 1 and path[0] == "settings"):
            continue
        tag = f"{prefix}.{_short(path)}"
        value = hostile_value(tag, next(payloads))
        _put(data, path, value)
        try:
            cls.model_validate(data)
        except ValidationError:
            _put(data, path, _old)  # not free text (a choice, a date, a number as text)
            continue
        seeded.values[tag] = value
    return cls.model_validate(data)


def _rewrite(store: Any, cls: type[Record], prefix: str, seeded: Seeded, payloads, **where) -> None:
    for number, saved in enumerate(store.find(cls, SYSTEM, **where)):
        record = make_hostile(saved.record, f"{prefix}{number}", seeded, payloads)
        store.save(record, SYSTEM, expected_version=saved.version)


def fill_with_payloads(
    store: Any, *, today: dt.date | None = None, other_team: bool = False
) -> Seeded:
    """Put a payload into every free-text field a team (``TEAM``) and the faculty see.

    The other teams keep their text except their names (the dashboard lists every team);
    Northfield's aim gets payloads too (tags ``other...``); with ``other_team`` also its
    driver diagram, cycles, reports and assessments, for the access tests' leak checks.
    """
    seeded = Seeded()
    payloads = itertools.cycle(PAYLOADS)
    _rewrite(store, Collaborative, "collab", seeded, payloads, id=COLLAB)
    _rewrite(store, Team, "team", seeded, payloads, id=TEAM)
    for number, saved in enumerate(store.find(Team, SYSTEM)):
        if saved.record.id != TEAM:
            name = hostile_value(f"teamname{number}", next(payloads))
            seeded.values[f"teamname{number}"] = name
            store.save(
                saved.record.model_copy(update={"name": name}),
                SYSTEM,
                expected_version=saved.version,
            )
    for cls, prefix in (
        (TopicCandidate, "topic"),
        (TopicSelection, "criteria"),
        (TopicBallot, "ballot"),
    ):
        _rewrite(store, cls, prefix, seeded, payloads, collaborative_id=COLLAB)
    _rewrite(store, DriverDiagram, "package", seeded, payloads, team_id=None)
    _rewrite(store, Measure, "measure", seeded, payloads, team_id=None)
    for cls, prefix in (
        (Aim, "aim"),
        (DriverDiagram, "diagram"),
        (PDSACycle, "pdsa"),
        (MonthlyReport, "report"),
        (Assessment, "assessment"),
    ):
        _rewrite(store, cls, prefix, seeded, payloads, team_id=TEAM)
    _rewrite(store, Aim, "otheraim", seeded, payloads, team_id=OTHER_TEAM)
    if other_team:
        for cls, prefix in (
            (DriverDiagram, "otherdiagram"),
            (PDSACycle, "otherpdsa"),
            (MonthlyReport, "otherreport"),
            (Assessment, "otherassessment"),
        ):
            _rewrite(store, cls, prefix, seeded, payloads, team_id=OTHER_TEAM)
    _seed_agenda(store, seeded, payloads, today)
    _seed_room(store, seeded, payloads)
    return seeded


def _seed_agenda(store: Any, seeded: Seeded, payloads, today: dt.date | None) -> None:
    from kit.steps.sessions.model import SessionsModel

    faculty = Actor.facilitator("Faculty", collaborative_id=COLLAB)
    model = SessionsModel(store, faculty, "ls1", today=today)
    model.use_template()
    saved = store.find(Agenda, SYSTEM, collaborative_id=COLLAB, meeting="ls1")[0]
    record = make_hostile(saved.record, "agenda", seeded, payloads)
    store.save(record, SYSTEM, expected_version=saved.version)


def _seed_room(store: Any, seeded: Seeded, payloads) -> None:
    """A red-beads room with an answer whose participant name is a payload."""
    from kit.exercises.room import RoomModel

    faculty = Actor.facilitator("Faculty", collaborative_id=COLLAB)
    RoomModel(store, faculty, "red-beads").open_room({})
    member = Actor.participant(TEAM, "Member", collaborative_id=COLLAB)
    name = hostile_value("room.participant", next(payloads))
    RoomModel(store, member, "red-beads").submit(name, {"red": [3, 5]})
    seeded.values["room.participant"] = name


def unescaped(text: str, seeded: Seeded) -> list[str]:
    """Payloads that appear raw (not escaped) in ``text``: markup an HTML page would run.

    Only the payloads with markup are checked; the Jinja and quote tricks are harmless raw.
    """
    markup = [p for p in PAYLOADS if re.search(r"<[a-z]", p)]
    found = []
    for tag, value in seeded.values.items():
        payload = value.split("] ", 1)[1]
        if payload in markup and value in text:
            found.append(tag)
    return sorted(found)


__all__ = [
    "COLLAB",
    "OTHER_TEAM",
    "PAYLOADS",
    "PWNED",
    "TEAM",
    "Seeded",
    "fill_with_payloads",
    "make_hostile",
    "unescaped",
]
