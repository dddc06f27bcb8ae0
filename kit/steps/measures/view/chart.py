"""The selected measure's chart beside the grid, following the values as they are typed.

Drawn on request (Bokeh, pandas and the SPC engine load then, so the page opens as light as
before). The chart is the charts app's reading (``kit/steps/charts/model.py``: the chart
recommended, the team's phases, baseline and exclusions, the aim's target, the PDSA cycles),
read with the grid's unsaved boxes laid over the stored data, and updated in place
(``kit.charts.teaching.update_teaching_chart``) on each keystroke, with its words, before the
save that waits for typing to pause.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from typing import Any

import ipywidgets as w

from kit.errors import KitInputError
from kit.steps.measures.view.part import Part, heading
from kit.ui.widgets import classed, guarded, message_for, set_field_error

log = logging.getLogger("kit.ui")


def reading_html(reading: Any) -> str:
    """The reading in words: the direction, then each thing the chart shows."""
    lines = "".join(f"<li>{html.escape(s)}</li>" for s in reading.explanation)
    return (
        "<div role='status'><b>What this chart is telling you</b>"
        f"<p class='kit-small'>{html.escape(reading.direction)}</p>"
        f"<ul class='kit-tight kit-small'>{lines}</ul></div>"
    )


class ChartPart(Part):
    """The chart of the measure being edited, redrawn from the grid's boxes as they change."""

    def __init__(self, page: Any) -> None:
        super().__init__(page, "kit-measures-chart-section")
        self.show_button = classed(
            w.Button(
                description="Show the chart as I type", icon="line-chart",
                layout=w.Layout(width="auto"),
            ),
            "kit-measures-chart-show",
        )  # fmt: skip
        self.chart_box = classed(w.Box(), "kit-measures-chart")
        self.words = classed(
            w.HTML(layout=w.Layout(width="360px", margin="0 0 0 12px")),
            "kit-measures-chart-explain",
        )
        self.problem = classed(w.HTML(), "kit-measures-chart-problem")
        self.shown = False
        self.charts: Any = None  # kit.steps.charts.model.ChartsModel, made on request
        self.figure: Any = None
        self._figure_measure: str | None = None
        #: the grid's boxes that differ from the store, by period (cleared on every load)
        self.typed: dict[dt.date, Any] = {}
        self.children = [
            heading(
                "The chart of this measure",
                "Drawn from the data below, as you type it (before it is saved), with the "
                "team's phases and PDSA cycles; the charts app has every control.",
            ),
            self.show_button,
            w.HBox([self.chart_box, self.words], layout=w.Layout(flex_flow="row wrap")),
            self.problem,
        ]
        self.show_button.on_click(self._on_show)

    def show(self) -> None:
        """After a load: the store's data again, nothing typed on top."""
        self.layout.display = "flex" if self.model.selected_id else "none"
        self.typed = {}
        if self.shown and self.model.selected_id:
            self.charts.select_team(self.model.team_id)
            self.draw()

    @guarded()
    def _on_show(self, _button: w.Button) -> None:
        from kit.steps.charts.model import ChartsModel

        self.charts = ChartsModel(self.model.store, self.model.actor, self.model.team_id)
        self.shown = True
        self.show_button.layout.display = "none"
        self.draw()

    def follow(self, period: dt.date, raw: dict[str, str]) -> None:
        """A grid row changed: redraw with what its boxes hold (a refused value waits)."""
        if not self.shown:
            return
        try:
            self.typed[period] = self.model.typed_point(period, raw)
        except KitInputError as error:
            set_field_error(self.problem, f"The chart waits: {error}")
            return
        set_field_error(self.problem, None)
        try:
            self.draw()
        except Exception as error:  # the chart never stops the grid's save
            log.exception("redrawing the chart beside the grid failed")
            set_field_error(self.problem, message_for(error))

    def draw(self) -> None:
        measure_id = self.model.selected_id
        if measure_id is None or self.charts is None:
            return
        from kit.charts.teaching import teaching_chart, update_teaching_chart

        reading = self.charts.read(measure_id, typed=self.typed)
        self.words.value = reading_html(reading)
        if reading.result is None:
            self.chart_box.children = []
            self.figure = None
            return
        if self.figure is not None and self._figure_measure == measure_id:
            try:
                update_teaching_chart(self.figure, reading)
                return
            except KitInputError:  # another kind of axis: draw anew
                pass
        from jupyter_bokeh import BokehModel

        self.figure, self._figure_measure = teaching_chart(reading, width=640), measure_id
        widget = BokehModel(self.figure)
        widget.add_class("kit-chart")
        self.chart_box.children = [widget]
