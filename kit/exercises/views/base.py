"""What every exercise page shares: the step base (``kit/ui/step.py``) over the room's model,
the room panel, and the kernel-side timer that keeps the room up to date without a reload.

Room mode: the facilitator presses "Open for the room"; the exercise's settings (the case,
the rule set) are stored in an ``ExerciseRoom``. Each participant's page polls the store and,
when a room opens, shows the room's case and a "Send my answer" button; the facilitator's page
polls the room's answers and redraws its tally. The polling runs on the kernel's own event
loop (ipykernel and Voilà's kernels run asyncio), so the widgets update on the open page.
"""

from __future__ import annotations

import html
import logging
from typing import Any, ClassVar

import ipywidgets as w

from kit.exercises.room import RoomModel
from kit.qi.rooms import RoomAnswer
from kit.ui.poller import Poller  # re-exported: the exercise tests import it from here
from kit.ui.step import StepView, edit_handler
from kit.ui.widgets import classed

log = logging.getLogger("kit.ui")

__all__ = ["ExerciseView", "Poller"]


class ExerciseView(StepView[RoomModel]):
    """An exercise over its room model. Subclasses build ``self.body`` and, for room mode,
    implement ``room_settings``, ``apply_room``, ``answer`` and ``show_room``."""

    css_class = "kit-exercise"
    #: whether the exercise can be opened for the room
    room_mode: ClassVar[bool] = True

    def __init__(self, context: Any, model: RoomModel) -> None:
        super().__init__(context, model)
        self.add_class("kit-exercise")  # every exercise, whatever its own class
        self.is_facilitator = context.identity.is_facilitator
        self.room_status = classed(w.HTML(), "kit-room-status")
        self.room_board = classed(w.VBox(), "kit-room-board")
        self.open_button = classed(
            w.Button(description="Open for the room", icon="users", button_style="primary"),
            "kit-room-open",
        )
        self.close_button = classed(w.Button(description="Close the room"), "kit-room-close")
        self.name = classed(
            w.Text(placeholder=context.identity.label, description="Your name:"), "kit-room-name"
        )
        self.send_button = classed(
            w.Button(description="Send my answer to the room", button_style="primary"),
            "kit-room-send",
        )
        for button in (self.open_button, self.close_button, self.send_button):
            button.layout.width = "auto"
        self.open_button.on_click(self._on_open)
        self.close_button.on_click(self._on_close)
        self.send_button.on_click(self._on_send)
        self.poller = Poller(self.refresh_room)
        self._shown_room: str | None = None
        self._shown_answers: object = None
        self.room_panel = classed(w.VBox(), "kit-room")

    # --- what subclasses provide ---------------------------------------------------------

    def room_settings(self) -> dict[str, Any]:
        return {}

    def apply_room(self, settings: dict[str, Any]) -> None:
        """Show the room's case (a participant, when the facilitator opens the room)."""

    def answer(self) -> dict[str, Any]:
        raise NotImplementedError

    def show_room(self, answers: list[RoomAnswer]) -> None:
        """Draw the room's answers on the facilitator's screen."""

    # --- the room panel ------------------------------------------------------------------

    def layout_room_panel(self) -> w.Widget:
        """The panel to place in the page: the facilitator's buttons and board, or the
        participant's name and send button (shown while a room is open)."""
        if not self.room_mode:
            return w.VBox()
        if self.is_facilitator:
            self.room_panel.children = [
                w.HTML("<h4>Room mode</h4>"),
                w.HBox([self.open_button, self.close_button]),
                self.room_status,
                self.room_board,
            ]
        else:
            self.room_panel.children = [self.room_status, w.HBox([self.name, self.send_button])]
        return self.room_panel

    def show_model(self) -> None:
        self.refresh_room()

    def start_polling(self) -> None:
        if self.room_mode:
            self.poller.start()

    def refresh_room(self) -> None:
        """Read the room again and show it (the poller's tick)."""
        room = self.model.reload()
        room_id = room.id if room else None
        if self.is_facilitator:
            self.close_button.disabled = room is None
            answers = self.model.answers()
            if room is None:
                self.room_status.value = (
                    "<p>The exercise is not open for the room. Open it, and participants who "
                    "sign in with their team's join code can send their answers here.</p>"
                )
            else:
                people = len({(a.team_id, a.participant.casefold()) for a in answers})
                self.room_status.value = (
                    f"<p class='kit-room-count'>Open for the room: <b>{people}</b> "
                    f"{'answer' if people == 1 else 'answers'} so far.</p>"
                )
            signature = (room_id, tuple((a.id, repr(sorted(a.answer.items()))) for a in answers))
            if signature != self._shown_answers:  # redraw only what changed
                self._shown_answers = signature
                self.show_room(answers)
        else:
            visible = room is not None
            self.send_button.layout.display = "" if visible else "none"
            self.name.layout.display = "" if visible else "none"
            self.room_status.value = (
                "<p class='kit-room-open-note'>Your facilitator has opened this exercise for the "
                "room: send your answer and it appears on their screen.</p>"
                if visible
                else ""
            )
            if visible and room_id != self._shown_room and room is not None:
                with self.quiet():
                    self.apply_room(room.settings)
        self._shown_room = room_id

    @edit_handler
    def _on_open(self, _button: w.Button) -> None:
        self.commit(lambda: self.model.open_room(self.room_settings()), after=self.refresh_room)

    @edit_handler
    def _on_close(self, _button: w.Button) -> None:
        self.commit(self.model.close_room, after=self.refresh_room)

    @edit_handler
    def _on_send(self, _button: w.Button) -> None:
        name = self.name.value.strip() or self.context.identity.label

        def sent() -> None:
            self.room_status.value = (
                "<p class='kit-room-sent'>Sent: your answer is on the facilitator's screen, as "
                f"{html.escape(name)}. Change it and send again to replace it.</p>"
            )

        self.commit(lambda: self.model.submit(name, self.answer()), after=sent)


def tally_bar(label: str, count: int, total: int, css: str = "") -> str:
    """One row of a tally: a label, a bar as wide as the share, and the count."""
    share = 0 if total == 0 else round(100 * count / total)
    return (
        f"<div class='kit-tally-row {css}' style='display:flex;align-items:center;gap:6px'>"
        f"<span style='width:14em'>{html.escape(label)}</span>"
        f"<span style='display:inline-block;height:12px;width:{share * 2}px;"
        f"background:#4c78a8'></span><span class='kit-tally-count'>{count}</span></div>"
    )
