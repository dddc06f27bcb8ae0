"""The timeline: the Bokeh chart for everyone, and the dates for the facilitator to set."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from kit.charts.setup_charts import timeline_chart, update_timeline
from kit.content import collaborative_length
from kit.steps.setup.model import MILESTONE_SLOTS, Slot
from kit.steps.setup.view.section import Section, heading, warning_html
from kit.ui.step import edit_handler
from kit.ui.widgets import classed, field_error, guarded, set_field_error

if TYPE_CHECKING:
    from kit.steps.setup.view import SetupView


class TimelineSection(Section):
    """Prework, three learning sessions with action periods, a closing congress: drawn, and
    (for the facilitator) dated block by block; a date is saved as soon as it is chosen."""

    def __init__(self, page: SetupView) -> None:
        from jupyter_bokeh import BokehModel

        super().__init__(page, "kit-setup-timeline")
        self.figure = timeline_chart(self.model.milestones)
        self.chart = classed(BokehModel(self.figure), "kit-chart", "kit-setup-timeline-chart")
        self.warnings = classed(w.HTML(), "kit-setup-timeline-warnings")
        self.date_inputs: dict[str, tuple[w.DatePicker, w.DatePicker]] = {}
        self.clear_buttons: dict[str, w.Button] = {}
        self.error = classed(field_error(self.chart), "kit-setup-timeline-error")
        #: each event's own message, kept until that event's dates are fixed or put back: a
        #: second refused date adds its message to the first instead of replacing it
        self.slot_errors: dict[str, str] = {}
        parts: list[w.Widget] = [
            heading(
                "Timeline",
                "Prework, three learning sessions with action periods between them, and a "
                "closing congress: the IHI Breakthrough Series white paper (2003) describes "
                f"a learning system of {collaborative_length()['wording']}.",
            )
        ]
        if self.model.is_facilitator:
            parts += [self._slot_row(slot) for slot in MILESTONE_SLOTS]
            parts.append(self.error)
        self.children = [*parts, self.warnings, self.chart]

    def _slot_row(self, slot: Slot) -> w.Widget:
        start = classed(
            w.DatePicker(description="from", layout=w.Layout(width="230px")),
            f"kit-setup-start-{slot.key}",
        )
        end = classed(
            w.DatePicker(description="to", layout=w.Layout(width="230px")),
            f"kit-setup-end-{slot.key}",
        )
        start.style.description_width = "40px"
        end.style.description_width = "30px"
        clear = classed(
            w.Button(description="Clear", layout=w.Layout(width="80px")),
            f"kit-setup-clear-{slot.key}",
        )
        start.observe(lambda _c, s=slot: self._on_date_change(s, "start"), names="value")
        end.observe(lambda _c, s=slot: self._on_date_change(s, "end"), names="value")
        clear.on_click(lambda _b, s=slot: self._on_clear(s))
        label = w.HTML(f"<b>{html.escape(slot.label)}</b>", layout=w.Layout(width="150px"))
        self.date_inputs[slot.key] = (start, end)
        self.clear_buttons[slot.key] = clear
        return classed(w.HBox([label, start, end, clear]), "kit-setup-milestone")

    def show(self) -> None:
        if self.model.is_facilitator:
            for slot in MILESTONE_SLOTS:
                milestone = self.model.milestone(slot.kind, slot.number)
                start, end = self.date_inputs[slot.key]
                start.value = milestone.start if milestone else None
                end.value = milestone.end if milestone else None
            self.slot_errors.clear()
            self._show_errors()
        self._show_drawing()

    def _show_errors(self) -> None:
        set_field_error(self.error, " ".join(self.slot_errors.values()) or None)

    def _commit_slot(self, slot: Slot, action: Callable[[], Any], after: Callable[[], Any]) -> None:
        """Save one event's dates; its message stays beside the others' until it is fixed."""
        line = w.HTML()
        saved = self.commit(action, line, after)
        if saved:
            self.slot_errors.pop(slot.key, None)
        else:
            self.slot_errors[slot.key] = html.unescape(re.sub(r"<[^>]+>", "", line.value))
        self._show_errors()

    def _show_drawing(self) -> None:
        update_timeline(self.figure, self.model.milestones)
        self.warnings.value = warning_html(self.model.timeline_warnings())

    @edit_handler
    def _on_date_change(self, slot: Slot, which: str) -> None:
        start_box, end_box = self.date_inputs[slot.key]
        start, end = start_box.value, end_box.value
        if which == "start" and start is not None and end is None:
            with self.page.quiet():  # a one-day event until the end date is chosen
                end_box.value = end = start
        if start is None and end is None:
            return  # cleared one by one: the Clear button removes the milestone
        self._commit_slot(
            slot,
            lambda: self.model.set_milestone(slot.kind, slot.number, start, end),
            lambda: self.quietly(self._show_drawing),
        )

    @guarded()
    def _on_clear(self, slot: Slot) -> None:
        def refresh() -> None:
            with self.page.quiet():
                start, end = self.date_inputs[slot.key]
                start.value = end.value = None
                self._show_drawing()

        self._commit_slot(
            slot, lambda: self.model.set_milestone(slot.kind, slot.number, None, None), refresh
        )
