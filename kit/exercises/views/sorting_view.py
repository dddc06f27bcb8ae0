"""Sorting exercises: good aim or poor aim, and which kind of measure. Each item gets a group;
"Check" says which are right and why (model: kit/exercises/sorting.py)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from kit.exercises import sorting
from kit.exercises.room import tally_choices
from kit.exercises.views.base import ExerciseView
from kit.qi.rooms import RoomAnswer
from kit.ui.step import edit_handler
from kit.ui.widgets import classed


class SortView(ExerciseView):
    css_class = "kit-exercise-sorting"

    def __init__(
        self,
        context: Any,
        model: Any,
        items: tuple[sorting.Item, ...],
        groups: tuple[tuple[str, str], ...],
        question: str,
    ) -> None:
        super().__init__(context, model)
        self.items = items
        self.groups = groups
        self.choices: dict[str, w.ToggleButtons] = {}
        rows = []
        for item in items:
            choice = classed(
                w.ToggleButtons(
                    options=[(label, key) for key, label in groups],
                    value=None,
                    style={"button_width": "auto"},
                ),
                "kit-sort-choice",
                f"kit-sort-{item.key}",
            )
            self.choices[item.key] = choice
            rows.append(
                classed(
                    w.VBox(
                        [
                            w.HTML(f"<p style='margin:6px 0 2px'>{html.escape(item.text)}</p>"),
                            choice,
                        ]
                    ),
                    "kit-sort-item",
                )
            )
        self.check_button = classed(
            w.Button(description="Check my answers", button_style="success"), "kit-sort-check"
        )
        self.feedback = classed(w.HTML(), "kit-sort-feedback")
        self.tally = classed(w.HTML(), "kit-room-tally")
        self.room_board.children = [self.tally]
        self.check_button.on_click(self._on_check)
        self.children = [
            self.conflict,
            w.HTML(f"<p>{html.escape(question)}</p>"),
            *rows,
            self.check_button,
            self.feedback,
            self.layout_room_panel(),
        ]

    def chosen(self) -> dict[str, str | None]:
        return {key: box.value for key, box in self.choices.items()}

    @edit_handler
    def _on_check(self, _button: w.Button) -> None:
        result = sorting.mark(self.items, self.chosen())
        labels = dict(self.groups)
        lines = []
        for item, m in zip(self.items, result.marked, strict=True):
            if m.chosen is None:
                verdict, css = "Not sorted yet", "kit-finding-missing"
            elif m.right:
                verdict, css = f"Right: {labels[m.answer].lower()}", "kit-finding-ok"
            else:
                verdict, css = f"Not quite: it is {labels[m.answer].lower()}", "kit-finding-weak"
            lines.append(
                f"<li class='{css}'><b>{html.escape(verdict)}.</b> {html.escape(item.text)} "
                f"<br><span>{html.escape(m.why)}</span>"
                f"<br><small>Source: {html.escape(item.source)}</small></li>"
            )
        self.feedback.value = f"<p class='kit-sort-summary'><b>{html.escape(result.summary)}</b></p><ul>{''.join(lines)}</ul>"

    # --- room mode -----------------------------------------------------------------------

    def answer(self) -> dict[str, Any]:
        return {"choices": {k: v for k, v in self.chosen().items() if v}}

    def show_room(self, answers: list[RoomAnswer]) -> None:
        if not answers:
            self.tally.value = "<p class='kit-room-empty'>No answers yet.</p>"
            return
        tally = tally_choices(answers, [i.key for i in self.items])
        head = "".join(f"<th>{html.escape(label)}</th>" for _k, label in self.groups)
        rows = []
        for item in self.items:
            cells = "".join(
                f"<td class='kit-tally-{item.key}-{key}' "
                f"style='text-align:center{';font-weight:bold' if key == item.answer else ''}'>"
                f"{tally[item.key][key]}</td>"
                for key, _label in self.groups
            )
            rows.append(f"<tr><td>{html.escape(item.text)}</td>{cells}</tr>")
        self.tally.value = (
            "<p>How the room sorted them (the right group in bold):</p>"
            f"<table class='kit-sort-tally'><tr><th></th>{head}</tr>{''.join(rows)}</table>"
        )
