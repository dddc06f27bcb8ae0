"""The learning-sessions app's widgets driven from Python: edit a block, see later blocks
move, and the presenter view advance when an injected clock passes a block's end."""

from __future__ import annotations

import datetime as dt
import html
import re

from kit.qi.agenda import Agenda
from kit.steps import sessions
from kit.steps.sessions.view import SessionsView
from kit.store import Actor
from kit.ui.session import Identity, issue_token

COLLAB = "demo-falls"
FACULTY = Identity("facilitator", COLLAB, None, "Facilitator")
RIVERSIDE = Identity("participant", COLLAB, "team-riverside", "Riverside")


def open_app(store, **params):
    shell = sessions.app(store=store, params={"session": issue_token(FACULTY), **params})
    assert isinstance(shell.content, SessionsView), shell.alert.text
    return shell, shell.content


def text_of(widget) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", widget.value)).split())


def saved_agenda(store, meeting="ls1") -> Agenda:
    return store.find(Agenda, Actor.system(), meeting=meeting)[0].record


def test_the_template_shows_with_times_and_nothing_is_saved(store):
    _shell, view = open_app(store)
    assert view.meeting.value == "ls1"
    assert "not saved yet" in text_of(view.status)
    assert text_of(view.rows[0].time).strip() == "09:00-09:30"
    assert "7 h 30 min, ends 16:30" in text_of(view.day_total)
    assert store.find(Agenda, Actor.system()) == []


def test_typing_minutes_saves_and_moves_the_later_blocks(store):
    shell, view = open_app(store)
    third_before = text_of(view.rows[2].time).strip()
    view.rows[1].minutes.value = "75"
    view.flush()
    assert shell.save_state.state == "saved"
    assert saved_agenda(store).days[0].blocks[1].minutes == 75
    assert text_of(view.rows[1].time).strip() == "09:30-10:45"
    assert third_before == "10:30-10:45"
    assert text_of(view.rows[2].time).strip() == "10:45-11:00"
    assert "ends 16:45" in text_of(view.day_total)
    assert "Saved version 1" in text_of(view.status)


def test_bad_minutes_show_beside_the_block_and_are_not_saved(store):
    shell, view = open_app(store)
    view.rows[0].minutes.value = "half an hour"
    view.flush()
    assert "whole number" in text_of(view.rows[0].error)
    assert shell.save_state.state == "error"
    assert store.find(Agenda, Actor.system()) == []


def test_add_move_remove_and_choose_an_app(store):
    _shell, view = open_app(store)
    count = len(view.rows)
    view.rows[0].add.click()
    assert len(view.rows) == count + 1
    assert view.rows[1].title.value == "New block"
    view.rows[1].app.value = "02"
    assert saved_agenda(store).days[0].blocks[1].app == "02"
    view.rows[1].down.click()
    assert view.rows[2].title.value == "New block"
    view.rows[2].remove.click()
    assert len(view.rows) == count


def test_a_block_can_use_an_exercise_and_the_page_names_it(store):
    _shell, view = open_app(store)
    view.rows[0].app.value = "exercise:red-beads"
    saved = saved_agenda(store).days[0].blocks[0]
    assert (saved.app, saved.exercise) == ("", "red-beads")
    view.load()
    assert view.rows[0].app.value == "exercise:red-beads"
    view.rows[0].app.value = "05"
    saved = saved_agenda(store).days[0].blocks[0]
    assert (saved.app, saved.exercise) == ("05", "")


def test_another_meeting_and_day(store):
    _shell, view = open_app(store)
    view.meeting.value = "prework"
    assert text_of(view.rows[0].time).strip() == "13:00-13:20"
    view.meeting.value = "ls2"
    view.day.value = 1
    assert view.rows[0].day == 1
    assert "Welcome back" in view.rows[0].title.value


def test_the_shorter_template_and_restore(store):
    _shell, view = open_app(store)
    view.rows[0].minutes.value = "45"
    view.flush()
    view.template.value = "one_day"
    assert "leaves out" in text_of(view.template_note)
    view.use_template.click()
    assert view.day.options == (("Day 1", 0),)
    view.mode.value = "Export and history"
    assert [version for _label, version in view.history.options] == [2, 1]
    view.history.value = 1
    view.restore_button.click()
    assert len(view.day.options) == 2


def test_the_exports_are_offered(store):
    _shell, view = open_app(store)
    view.export_button.click()
    assert ".ics'" in view.downloads.value and "text/calendar" in view.downloads.value
    assert ".html'" in view.downloads.value


class FakeClock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def test_the_presenter_advances_when_the_clock_passes_a_block_end(store):
    _shell, view = open_app(store, present="1")
    assert view.mode.value == "Presenter"
    assert view.presenter.layout.display == "flex" and view.editor.layout.display == "none"
    blocks = view.model.timed()
    clock = FakeClock(blocks[0].start - dt.timedelta(minutes=5))
    view.presenter.clock = clock
    view.presenter.start_button.click()
    assert "Not started yet" in text_of(view.presenter.current)
    assert "5:00" in text_of(view.presenter.remaining)
    clock.now = blocks[0].end - dt.timedelta(seconds=1)
    view.presenter.tick()
    assert blocks[0].block.title in text_of(view.presenter.current)
    assert "0:01 left" in text_of(view.presenter.remaining)
    assert blocks[1].block.title in text_of(view.presenter.following)
    clock.now = blocks[0].end + dt.timedelta(seconds=1)
    view.presenter.tick()
    assert blocks[1].block.title in text_of(view.presenter.current)
    assert blocks[2].block.title in text_of(view.presenter.following)
    shown = (blocks[0].end + dt.timedelta(seconds=1)).strftime("%H:%M:%S")
    assert shown in text_of(view.presenter.now)
    clock.now = blocks[-1].end
    view.presenter.tick()
    assert "The day is over" in text_of(view.presenter.current)


def test_rehearsal_starts_the_chosen_day_now(store):
    _shell, view = open_app(store)
    view.mode.value = "Presenter"
    view.presenter.clock = FakeClock(dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC))
    view.presenter.rehearse.value = 1
    view.presenter.start_button.click()
    second_day = [b for b in view.model.timed() if b.day == 1]
    assert second_day[0].block.title in text_of(view.presenter.current)
    assert "rehearsal" in text_of(view.presenter.now)
    view.presenter.stop_button.click()
    assert "clock stopped" in text_of(view.presenter.now)


def test_teams_are_refused(store):
    shell = sessions.app(store=store, params={"session": issue_token(RIVERSIDE)})
    assert shell.content is None
    assert "for the collaborative's faculty" in text_of(shell.body.children[0])
