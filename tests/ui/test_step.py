"""The step base (kit/ui/step.py) over a tiny fake model: what every step app relies on."""

from __future__ import annotations

import asyncio
import logging

import ipywidgets as w
import pytest

from kit.errors import KitInputError
from kit.steps.versioned import EditConflict
from kit.ui.app import AppContext
from kit.ui.session import Identity
from kit.ui.step import StepView, edit_handler
from kit.ui.widgets import FRIENDLY_FAILURE, Alert, SaveState, flush_pending, guarded


class NoteModel:
    """One line of text 'in the store', with a version, and another person who can save."""

    def __init__(self) -> None:
        self.stored, self.stored_version = "first", 1
        self.text, self.version = self.stored, self.stored_version
        self.saves: list[str] = []
        self.fail_with: Exception | None = None

    def reload(self) -> None:
        self.text, self.version = self.stored, self.stored_version

    def someone_else_saves(self, text: str) -> None:
        self.stored, self.stored_version = text, self.stored_version + 1

    def save(self, text: str) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        if not text.strip():
            raise KitInputError("The note cannot be empty.")
        if self.version != self.stored_version:
            raise EditConflict(
                "Mei saved this note at 10:32 while you were editing; your changes were not "
                "saved; reload to see theirs.",
                saved_by="Mei",
                changed=["Text"],
            )
        self.saves.append(text)
        self.stored, self.stored_version = text, self.stored_version + 1
        self.text, self.version = self.stored, self.stored_version


class NoteView(StepView):
    css_class = "kit-note"

    def __init__(self, context: AppContext, model: NoteModel) -> None:
        super().__init__(context, model)
        self.note = w.Text()
        self.error = w.HTML()
        self.note.observe(self._on_note, names="value")
        self.children = [self.conflict, self.note, self.error]
        self.load()

    def show_model(self) -> None:
        self.note.value = self.model.text

    @edit_handler
    def _on_note(self, _change: dict) -> None:
        text = self.note.value
        self.autosave(
            "note", lambda: self.commit(lambda: self.model.save(text), error_line=self.error)
        )


@pytest.fixture
def view() -> NoteView:
    identity = Identity("participant", "c", "t", "Riverside")
    context = AppContext(None, identity, SaveState(), Alert())
    return NoteView(context, NoteModel())


def test_loading_the_model_saves_nothing(view: NoteView) -> None:
    assert view.note.value == "first"
    assert view.model.saves == []
    assert view.save_state.state == "idle"
    assert "kit-note" in view._dom_classes


def test_an_edit_is_saved_and_the_header_says_so(view: NoteView) -> None:
    view.note.value = "second"  # no running loop: the debounced save runs at once
    assert view.model.saves == ["second"]
    assert view.save_state.state == "saved"
    assert not view.conflict.visible


def test_an_edit_waits_for_typing_to_pause_and_is_flushed_at_shutdown(view: NoteView) -> None:
    async def typing() -> None:
        view.note.value = "sec"
        view.note.value = "second"
        assert view.save_state.state == "pending"
        assert view.pending and view.model.saves == []
        assert flush_pending() == 1  # what the kernel does on its way out
        assert view.model.saves == ["second"]  # the last words typed, saved once
        assert not view.pending

    asyncio.run(typing())
    assert view.save_state.state == "saved"


def test_a_conflict_shows_who_and_what_then_reload_theirs(view: NoteView) -> None:
    view.model.someone_else_saves("theirs")
    view.note.value = "mine"
    assert view.conflict.visible
    assert "Mei saved this note" in view.conflict.text
    assert "They changed: Text." in view.conflict.text
    assert view.save_state.state == "error"
    view.conflict.reload_button.click()
    assert not view.conflict.visible
    assert view.note.value == "theirs"
    assert view.model.saves == []  # reloading is not an edit
    assert view.save_state.state == "idle"
    assert "latest saved version" in view.alert.text


def test_keep_mine_saves_my_edit_over_theirs(view: NoteView) -> None:
    view.model.someone_else_saves("theirs")
    view.note.value = "mine"
    assert view.conflict.visible
    view.conflict.keep_button.click()
    assert not view.conflict.visible
    assert view.model.stored == "mine" and view.model.saves == ["mine"]
    assert view.note.value == "mine"
    assert view.save_state.state == "saved"


def test_a_bad_value_is_shown_on_its_error_line_and_cleared_when_fixed(view: NoteView) -> None:
    view.note.value = "  "
    assert "The note cannot be empty." in view.error.value
    assert view.save_state.state == "error"
    view.note.value = "fixed"
    assert view.error.value == ""
    assert view.model.saves == ["fixed"]


def test_an_unexpected_failure_is_a_sentence_and_a_logged_traceback(view, caplog) -> None:
    view.model.fail_with = RuntimeError("disk on fire")
    with caplog.at_level(logging.ERROR, logger="kit.ui"):
        view.note.value = "second"
    assert view.alert.text == FRIENDLY_FAILURE
    assert "disk on fire" not in view.alert.text
    assert view.save_state.state == "error"
    assert any(r.exc_info and "disk on fire" in str(r.exc_info[1]) for r in caplog.records)


class Clicker:
    def __init__(self) -> None:
        self.alert = Alert()
        self.seen_disabled: list[bool] = []

    @guarded()
    def on_click(self, button: w.Button) -> None:
        self.seen_disabled.append(button.disabled)
        raise ZeroDivisionError("a bug, not a message for a participant")


def test_guarded_shows_a_friendly_line_logs_the_traceback_and_re_enables(caplog) -> None:
    clicker = Clicker()
    button = w.Button(description="Go")
    button.on_click(clicker.on_click)
    with caplog.at_level(logging.ERROR, logger="kit.ui"):
        button.click()
    assert clicker.seen_disabled == [True]  # disabled while it ran
    assert button.disabled is False  # and usable again afterwards
    assert clicker.alert.text == FRIENDLY_FAILURE
    failures = [r for r in caplog.records if r.exc_info]
    assert failures and failures[0].exc_info[0] is ZeroDivisionError
    assert "Clicker.on_click" in failures[0].getMessage()
