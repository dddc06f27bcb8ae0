"""The funnel: the same marbles dropped under Deming's four rules, a chart per rule, and the
variance each rule gives (model: kit/exercises/funnel.py)."""

from __future__ import annotations

import html
from typing import Any, ClassVar

import ipywidgets as w

from kit.exercises import funnel
from kit.exercises.views.base import ExerciseView
from kit.ui.step import edit_handler
from kit.ui.widgets import classed


class FunnelView(ExerciseView):
    css_class = "kit-exercise-funnel"
    room_mode: ClassVar[bool] = False

    def __init__(self, context: Any, model: Any, seed: int = 1) -> None:
        super().__init__(context, model)
        self.seed = seed
        self.drops = classed(
            w.IntSlider(
                value=50, min=10, max=200, step=10, description="Marbles:", continuous_update=False
            ),
            "kit-funnel-drops",
        )
        self.again = classed(
            w.Button(description="Drop new marbles", icon="refresh"), "kit-funnel-again"
        )
        self.charts = classed(
            w.GridBox(layout=w.Layout(grid_template_columns="repeat(2, 360px)")),
            "kit-chart",
            "kit-funnel-charts",
        )
        self.variances = classed(w.HTML(), "kit-funnel-variances")
        self.drops.observe(self._on_drops, "value")
        self.again.on_click(self._on_again)
        self.children = [
            self.conflict,
            w.HTML(
                "<p>A marble is dropped through a funnel held over a target. Each chart drops "
                "<b>the same marbles</b>; only the rule for moving the funnel after each drop "
                "differs.</p><ol>"
                + "".join(f"<li>{html.escape(text)}</li>" for text in funnel.RULES.values())
                + "</ol>"
            ),
            w.HBox([self.drops, self.again]),
            self.charts,
            self.variances,
        ]
        self.draw()

    def draw(self) -> None:
        from bokeh.plotting import figure
        from jupyter_bokeh import BokehModel

        compared = funnel.compare(self.drops.value, seed=self.seed)
        base = compared[1][1]
        widgets, rows = [], []
        for rule, (landed, variance) in compared.items():
            fig = figure(
                width=350,
                height=300,
                title=f"Rule {rule}: variance {variance:.2f}",
                match_aspect=True,
                toolbar_location=None,
            )
            fig.scatter(landed[:, 0], landed[:, 1], size=5, alpha=0.6)
            fig.scatter([0], [0], marker="cross", size=16, color="firebrick", line_width=2)
            widgets.append(classed(BokehModel(fig), f"kit-funnel-rule-{rule}"))
            rows.append(
                f"<tr class='kit-funnel-row-{rule}'><td>Rule {rule}</td><td>{variance:.2f}</td>"
                f"<td>{variance / base:.1f} × rule 1</td></tr>"
            )
        self.charts.children = widgets
        self.variances.value = (
            "<table><tr><th>Rule</th><th>Variance about the target</th><th></th></tr>"
            + "".join(rows)
            + "</table><p>Rule 2 roughly doubles the variance of rule 1; rules 3 and 4 drift "
            "further away the longer they run. Adjusting a stable process after every result "
            "(tampering) adds variation: act on the system instead (Deming, Out of the Crisis, "
            "1986, chapter 11).</p>"
        )

    @edit_handler
    def _on_drops(self, _change: dict) -> None:
        self.draw()

    @edit_handler
    def _on_again(self, _button: w.Button) -> None:
        self.seed += 1
        self.draw()
