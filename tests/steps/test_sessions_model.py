"""The learning-sessions model over the demo: templates, edits that move later blocks,
versions, conflicts, rights and the exports."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.content import agenda as template
from kit.errors import Conflict, KitInputError, PermissionDenied
from kit.qi import Collaborative
from kit.qi.agenda import Agenda
from kit.steps.sessions.model import SessionsModel, parse_clock, parse_minutes
from kit.store import Actor

COLLAB = "demo-falls"
FACULTY = Actor.facilitator("Dr Ana Ruiz", COLLAB)


def model(store, meeting="ls1") -> SessionsModel:
    return SessionsModel(store, FACULTY, meeting, today=dt.date(2026, 12, 2))


def clocks(m: SessionsModel, day: int = 0) -> list[str]:
    return [t.clock for t in m.timed() if t.day == day]


def test_a_meeting_opens_on_its_template_dated_from_the_timeline_and_saves_nothing(store):
    m = model(store)
    assert m.saved is None
    assert [len(d.blocks) for d in m.agenda.days] == [
        len(d["blocks"]) for d in template("ls1")["days"]
    ]
    collab = store.get(Collaborative, COLLAB, Actor.system()).record
    ls1 = next(x for x in collab.timeline if x.kind == "learning_session" and x.number == 1)
    assert m.agenda.date == ls1.start
    assert store.find(Agenda, FACULTY) == []


def test_every_meeting_has_a_template():
    keys = [key for _name, key in SessionsModel.meetings()]
    assert keys == ["prework", "ls1", "ls2", "ls3", "congress"]


def test_changing_a_duration_saves_and_shifts_every_later_block(store):
    m = model(store)
    before = clocks(m)
    m.update_block(0, 1, minutes="75")  # 60 -> 75
    after = clocks(m)
    assert after[0] == before[0]
    assert after[1] == "09:30-10:45"
    for old, new in zip(before[2:], after[2:], strict=True):
        shift = dt.datetime.strptime(new[:5], "%H:%M") - dt.datetime.strptime(old[:5], "%H:%M")
        assert shift == dt.timedelta(minutes=15)
    assert model(store).agenda.days[0].blocks[1].minutes == 75
    assert clocks(m, 1) == clocks(model(store), 1)  # day 2 unchanged


def test_block_fields_lead_and_app_are_saved(store):
    m = model(store)
    m.update_block(0, 0, title="Welcome; aims", lead="Dr Ana Ruiz", app="02", kind="plenary")
    block = model(store).agenda.days[0].blocks[0]
    assert (block.title, block.lead, block.app) == ("Welcome; aims", "Dr Ana Ruiz", "02")


@pytest.mark.parametrize(("raw", "minutes"), [("45", 45), (" 30 min", 30), ("5", 5), ("600", 600)])
def test_minutes_read(raw, minutes):
    assert parse_minutes(raw) == minutes


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("abc", "whole number"),
        ("4", "from 5 to 600"),
        ("601", "from 5 to 600"),
        ("", "whole number"),
    ],
)
def test_bad_minutes_say_why(raw, message):
    with pytest.raises(KitInputError, match=message):
        parse_minutes(raw)


def test_day_start_moves_the_whole_day(store):
    m = model(store)
    m.set_day_start(0, "9:30")
    assert clocks(m)[0].startswith("09:30")
    with pytest.raises(KitInputError, match="hours:minutes"):
        parse_clock("25:00")


def test_add_remove_and_move_blocks(store):
    m = model(store)
    titles = [b.title for b in m.agenda.days[0].blocks]
    m.add_block(0, 0)
    assert m.agenda.days[0].blocks[1].title == "New block"
    m.move_block(0, 1, 1)
    assert m.agenda.days[0].blocks[2].title == "New block"
    m.remove_block(0, 2)
    assert [b.title for b in m.agenda.days[0].blocks] == titles
    with pytest.raises(KitInputError, match="cannot move further"):
        m.move_block(0, 0, -1)


def test_a_day_past_midnight_is_not_saved(store):
    m = model(store)
    m.update_block(0, 0, minutes="30")
    version = m.saved.version
    with pytest.raises(KitInputError, match="past midnight"):
        m.update_block(0, 1, minutes="600")
    assert model(store).saved.version == version


def test_a_shorter_template_replaces_the_blocks_as_a_new_version(store):
    m = model(store)
    m.update_block(0, 0, minutes="45")
    m.use_template("one_day")
    assert len(m.agenda.days) == 1 and m.agenda.template == "one_day"
    assert m.template_cuts("one_day")
    history = m.history()
    assert [e.version for e in history] == [2, 1]
    m.restore(1)
    assert len(model(store).agenda.days) == 2


def test_a_stale_edit_is_a_conflict_that_names_who_saved(store):
    model(store).update_block(0, 0, minutes="40")
    mine, theirs = model(store), model(store)
    theirs.update_block(0, 0, minutes="35")
    with pytest.raises(Conflict) as raised:
        mine.update_block(0, 0, minutes="50")
    assert raised.value.saved_by == "Dr Ana Ruiz (facilitator)"
    assert raised.value.changed == ["Days"]
    assert model(store).agenda.days[0].blocks[0].minutes == 35


def test_details_and_time_zone(store):
    m = model(store)
    m.set_details(timezone="Europe/Paris", venue="Hall B", date=dt.date(2027, 2, 3))
    assert (m.agenda.timezone, m.agenda.venue, m.agenda.date) == (
        "Europe/Paris",
        "Hall B",
        dt.date(2027, 2, 3),
    )
    assert m.timed()[0].start.utcoffset() == dt.timedelta(hours=1)
    with pytest.raises(KitInputError, match="not a time zone"):
        m.set_details(timezone="Nowhere")


def test_agendas_are_kept_per_meeting(store):
    model(store, "ls1").update_block(0, 0, minutes="45")
    model(store, "ls2").update_block(0, 0, minutes="20")
    assert model(store, "ls1").agenda.days[0].blocks[0].minutes == 45
    assert model(store, "ls2").agenda.days[0].blocks[0].minutes == 20
    assert model(store, "ls3").saved is None


def test_teams_cannot_plan_agendas(store):
    with pytest.raises(PermissionDenied):
        SessionsModel(store, Actor.participant("team-riverside", "Sam", COLLAB))


def test_exports_name_the_collaborative_and_hold_every_block(store):
    m = model(store)
    page = m.printable()
    assert "Learning Session 1" in page and m.collaborative_name() in page
    assert m.ics().count("BEGIN:VEVENT") == sum(len(d.blocks) for d in m.agenda.days)
    assert m.file_stem().startswith("ls1-")
