"""The aim app's widgets driven from Python: set values, click, and check the store."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.qi import Aim
from kit.steps import aim
from kit.steps.aim.model import AimModel
from kit.steps.aim.view import AimView
from kit.store import Actor
from kit.ui.session import Identity, issue_token

COLLAB = "demo-falls"
RIVERSIDE = Identity("participant", COLLAB, "team-riverside", "Riverside")
FACULTY = Identity("facilitator", COLLAB, None, "Facilitator")
SOON = dt.date.today() + dt.timedelta(days=300)


@pytest.fixture(autouse=True)
def _collaborative_runs_past_the_test_dates(monkeypatch):
    """The demo's timeline has fixed dates while these tests use the real clock: let the
    collaborative close two years from now, so a date ``SOON`` is always within it (the
    model tests check the closing date itself, with a fixed clock)."""
    monkeypatch.setattr(AimModel, "ends_on", lambda self: dt.date.today() + dt.timedelta(days=730))


def open_app(store, identity: Identity = RIVERSIDE, **params):
    shell = aim.app(store=store, params={"session": issue_token(identity), **params})
    assert isinstance(shell.content, AimView), shell.alert.text
    return shell, shell.content


def stored(store, team: str = "team-riverside") -> Aim:
    return store.find(Aim, Actor.system(), team_id=team)[0].record


def text_of(widget) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", widget.value))


def test_the_form_opens_with_the_saved_aim_and_its_feedback(store):
    shell, view = open_app(store)
    assert view.baseline.value == "4.1"
    assert view.target.value == "2.9"
    assert view.measure.value == "m-falls"
    assert "Reduce falls per 1,000 patient-days from 4.1 to 2.9" in text_of(view.sentence)
    assert "Lower is better" in text_of(view.direction)
    assert "Reduce falls with harm" in text_of(view.collaborative)
    assert "Riverside" in shell.header.value
    assert view.history.options  # version 1 of the demo


def test_typing_saves_the_aim_and_updates_the_sentence(store):
    shell, view = open_app(store)
    view.what.value = "falls with harm"
    view.for_whom.value = "adults over 65"
    view.target.value = "2.2"
    view.by_when.value = SOON
    view.flush()
    aim_now = stored(store)
    assert (aim_now.what, aim_now.for_whom, aim_now.target, aim_now.by_when) == (
        "falls with harm",
        "adults over 65",
        2.2,
        SOON,
    )
    assert "Reduce falls with harm from 4.1 to 2.2" in text_of(view.sentence)
    assert shell.save_state.state == "saved"
    assert "46%" in text_of(view.stretch)
    assert len(view.history.options) == 5


def test_text_in_the_baseline_shows_beside_the_field_and_is_not_saved(store):
    shell, view = open_app(store)
    view.baseline.value = "abc"
    view.flush()
    assert text_of(view.errors["baseline"]) == "Baseline must be a number; 'abc' is not."
    assert shell.save_state.state == "error"
    assert "Not saved" in text_of(shell.save_state)
    assert stored(store).baseline == 4.1
    assert shell.alert.text == ""  # a message beside the field, not an alarm
    view.baseline.value = "4.5"
    view.flush()
    assert text_of(view.errors["baseline"]) == ""
    assert stored(store).baseline == 4.5


def test_missing_elements_get_feedback_beside_them_then_pass(store):
    saved = store.get(Aim, "aim-team-riverside", Actor.system())
    store.save(
        Aim(id=saved.record.id, team_id="team-riverside", what="fewer falls"),
        Actor.system(),
        expected_version=saved.version,
    )
    shell, view = open_app(store)
    assert "Still missing" in text_of(view.summary)
    assert "Say how much" in text_of(view.feedback["how_much"])
    assert "Say by when" in text_of(view.feedback["by_when"])
    view.free_text.value = "Reduce falls by some amount soon"
    view.check_text_button.click()
    assert "Soon is not a time" in text_of(view.text_feedback)
    assert "Some is not a number" in text_of(view.text_feedback)

    view.measure.value = "m-falls"
    assert view.unit.value == "falls per 1,000 patient-days"  # filled from the measure
    view.baseline.value = "4.1"
    view.target.value = "2.5"
    view.by_when.value = SOON
    view.for_whom.value = "adult inpatients"
    view.where.value = "Ward 7, Riverside General"
    view.flush()
    assert "This aim says what, how much, by when, for whom and where" in text_of(view.summary)
    assert stored(store).direction == "down"


def test_a_target_the_wrong_way_is_flagged_by_the_direction_check(store):
    _shell, view = open_app(store)
    view.target.value = "6"
    assert "Lower is better" in text_of(view.feedback["how_much"])
    view.flush()
    assert stored(store).target == 6


def test_a_pasted_aim_fills_the_builder(store):
    _shell, view = open_app(store)
    view.free_text.value = (
        "Reduce falls from 4 to 2 per 1,000 patient-days for adult inpatients on Ward 7 "
        f"by {SOON:%d %B %Y}"
    )
    view.use_text_button.click()
    view.flush()
    saved = stored(store)
    assert (saved.baseline, saved.target, saved.by_when) == (4.0, 2.0, SOON)
    assert saved.free_text.startswith("Reduce falls from 4 to 2")
    assert view.baseline.value == "4"


def test_a_conflict_says_so_and_reload_brings_the_saved_aim(store):
    shell, view = open_app(store)
    current = store.get(Aim, "aim-team-riverside", Actor.system())
    store.save(  # someone else, in another tab
        current.record.model_copy(update={"target": 1.5}),
        RIVERSIDE.actor(),
        expected_version=current.version,
    )
    view.target.value = "2.0"
    view.flush()
    assert "while you were editing" in view.conflict.text
    assert "They changed: Target." in view.conflict.text
    assert "Their version: Target 1.5." in view.conflict.text  # the other version, shown
    assert shell.save_state.state == "error"
    assert view.conflict.visible
    assert stored(store).target == 1.5
    view.conflict.reload_button.click()
    assert view.target.value == "1.5"
    assert not view.conflict.visible
    view.target.value = "2.0"
    view.flush()
    assert stored(store).target == 2.0


def test_keep_mine_saves_my_aim_over_the_other_tabs(store):
    shell, view = open_app(store)
    current = store.get(Aim, "aim-team-riverside", Actor.system())
    store.save(
        current.record.model_copy(update={"target": 1.5}),
        RIVERSIDE.actor(),
        expected_version=current.version,
    )
    view.where.value = "Ward 9"
    view.flush()
    assert view.conflict.visible
    view.conflict.keep_button.click()
    assert not view.conflict.visible
    assert shell.save_state.state == "saved"
    assert (stored(store).where, stored(store).target) == ("Ward 9", 2.9)  # mine, all of it


def test_history_restores_an_earlier_version(store):
    _shell, view = open_app(store)
    view.where.value = "Ward 9"
    view.flush()
    assert stored(store).where == "Ward 9"
    view.history.value = 1
    assert "Riverside General, Ward 7" in text_of(view.history_preview)
    view.restore_button.click()
    assert stored(store).where == "Riverside General, Ward 7"
    assert view.where.value == "Riverside General, Ward 7"
    assert view.history.options[0][1] == 3


def test_the_app_after_a_kernel_restart_shows_what_was_saved(store):
    _shell, view = open_app(store)
    view.where.value = "Ward 7 and Ward 8"
    view.flush()
    _shell, again = open_app(store)
    assert again.where.value == "Ward 7 and Ward 8"


def test_faculty_see_a_chosen_team_read_only(store):
    shell, view = open_app(store, FACULTY, team="team-northfield")
    assert view.baseline.value == "7.7"
    assert view.what.disabled and view.restore_button.disabled
    assert "read-only" in text_of(view.readonly_note)
    view.team_picker.value = "team-stanne"
    assert view.baseline.value == "6"
    assert "St Anne" in text_of(view.readonly_note)
    assert shell.alert.text == ""


def test_without_a_session_the_app_asks_for_a_code(store):
    shell = aim.app(store=store, params={})
    assert shell.content is None
    assert "join code" in shell.body.children[0].children[0].value


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def test_no_two_widgets_share_a_layout(store):
    """Hiding one widget must never hide another (a shared Layout hides them all)."""
    _shell, view = open_app(store)
    layouts = [id(x.layout) for x in walk(view) if hasattr(x, "layout")]
    assert len(layouts) == len(set(layouts))


# --- issue 10: saving keeps good work, feedback agrees with itself ----------------------


def test_a_bad_date_and_a_long_place_do_not_lose_later_edits_after_a_reload(store):
    shell, view = open_app(store)
    view.by_when.value = dt.date(2020, 1, 1)
    view.where.value = "x" * 5000
    view.flush()
    assert "must come after" in text_of(view.errors["by_when"])
    assert "too long" in text_of(view.errors["where"])
    view.what.value = "falls with harm"
    view.for_whom.value = "adults over 65"
    view.flush()
    assert view.where.value == "x" * 5000  # typed work stays in the form
    assert view.by_when.value == dt.date(2020, 1, 1)
    assert "the rest is saved" in text_of(shell.save_state)

    _shell, again = open_app(store)  # a reload
    assert (again.what.value, again.for_whom.value) == ("falls with harm", "adults over 65")
    assert again.by_when.value == dt.date(2027, 2, 28)
    assert again.where.value == "Riverside General, Ward 7"


def test_the_feedback_beside_a_field_never_contradicts_its_message(store):
    _shell, view = open_app(store)
    view.by_when.value = dt.date(2020, 1, 1)
    view.where.value = "x" * 5000
    by_when = text_of(view.feedback["by_when"])
    where = text_of(view.feedback["where"])
    assert "choose a date" not in by_when.lower() and "Done" not in by_when
    assert "must come after" in by_when
    assert "Done" not in where and "too long" in where


def test_a_modest_target_is_not_called_done(store):
    _shell, view = open_app(store)
    view.target.value = "3.2"  # a 22% fall: modest for falls
    stretch, how_much = text_of(view.stretch), text_of(view.feedback["how_much"])
    assert "modest" in stretch.lower()
    assert "Done" not in stretch and "Done" not in how_much
    assert "Could be bolder" in stretch


def test_checking_an_aim_makes_no_new_version(store):
    _shell, view = open_app(store)
    view.free_text.value = "Reduce falls by some amount soon"
    view.flush()
    versions = len(store.revisions(Aim, "aim-team-riverside", Actor.system()))
    view.check_text_button.click()
    view.check_text_button.click()
    view.flush()
    assert len(store.revisions(Aim, "aim-team-riverside", Actor.system())) == versions


def test_a_team_without_an_aim_gets_none_saved_by_checking_or_by_an_echo(store):
    saved = store.find(Aim, Actor.system(), team_id="team-riverside")[0]
    store.delete(Aim, saved.record.id, Actor.system(), expected_version=saved.version)
    _shell, view = open_app(store)
    view.check_text_button.click()
    view.what.value = ""  # the browser echoing an unchanged value
    view._on_edit({})
    view.flush()
    assert store.find(Aim, Actor.system(), team_id="team-riverside") == []
