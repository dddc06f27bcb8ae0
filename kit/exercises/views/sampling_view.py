"""Sampling and definitions: sliders for the monthly sample, the change in care and a drift
in the definition; the P chart and what it can detect (model: kit/exercises/sampling.py)."""

from __future__ import annotations

import html
from typing import Any, ClassVar

import ipywidgets as w

from kit.exercises import sampling
from kit.exercises.views.base import ExerciseView
from kit.ui.step import edit_handler
from kit.ui.widgets import classed


class SamplingView(ExerciseView):
    css_class = "kit-exercise-sampling"
    room_mode: ClassVar[bool] = False

    def __init__(self, context: Any, model: Any) -> None:
        super().__init__(context, model)
        style = {"description_width": "16em"}
        layout = w.Layout(width="560px")

        def slider(cls: type, css: str, **kw: Any) -> w.Widget:
            return classed(cls(continuous_update=False, style=style, layout=layout, **kw), css)

        self.sample = slider(
            w.IntSlider,
            "kit-sampling-sample",
            value=20,
            min=5,
            max=200,
            step=5,
            description="Patients sampled a month",
        )
        self.baseline = slider(
            w.FloatSlider,
            "kit-sampling-baseline",
            value=0.6,
            min=0.1,
            max=0.9,
            step=0.05,
            description="Compliance before the change",
            readout_format=".0%",
        )
        self.improved = slider(
            w.FloatSlider,
            "kit-sampling-improved",
            value=0.75,
            min=0.1,
            max=0.95,
            step=0.05,
            description="Compliance after month 12",
            readout_format=".0%",
        )
        self.drift = slider(
            w.FloatSlider,
            "kit-sampling-drift",
            value=0.0,
            min=0.0,
            max=0.3,
            step=0.05,
            description="Definition loosened by",
            readout_format=".0%",
        )
        self.drift_at = slider(
            w.IntSlider, "kit-sampling-drift-at", value=18, min=2, max=23, description="…from month"
        )
        self.chart_box = classed(w.VBox(), "kit-chart", "kit-sampling-chart")
        self.explanation = classed(w.HTML(), "kit-sampling-explanation")
        for control in (self.sample, self.baseline, self.improved, self.drift, self.drift_at):
            control.observe(self._on_change, "value")
        self.children = [
            self.conflict,
            w.HTML(
                "<p>A ward audits a sample of patients each month for a process measure "
                "(risk assessment within 24 hours of admission). Care improves after month 12. "
                "Move the sliders and watch what the P chart can show.</p>"
            ),
            self.sample,
            self.baseline,
            self.improved,
            self.drift,
            self.drift_at,
            self.chart_box,
            self.explanation,
        ]
        self.redraw()

    def scenario(self) -> sampling.Scenario:
        return sampling.Scenario(
            sample=self.sample.value,
            baseline=round(self.baseline.value, 2),
            improved=round(self.improved.value, 2),
            drift=round(self.drift.value, 2),
            drift_at=self.drift_at.value - 1,
        )

    def redraw(self) -> None:
        from jupyter_bokeh import BokehModel

        from kit.charts.spc import spc_chart

        s = self.scenario()
        result = sampling.chart_result(s)
        fig = spc_chart(
            result, title="Monthly compliance (P chart, limits from months 1–12)", height=300
        )
        self.chart_box.children = [BokehModel(fig)]
        self.explanation.value = (
            "<ul>"
            + "".join(f"<li>{html.escape(line)}</li>" for line in sampling.explain(s))
            + "</ul><p><small>Source: Provost & Murray, The Health Care Data Guide, 2011, chapter 5.</small></p>"
        )

    @edit_handler
    def _on_change(self, _change: dict) -> None:
        self.redraw()
