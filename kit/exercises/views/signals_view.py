"""Spot the signal: read the chart, mark the months you see as signals, and see how the
facilitator's rule set, and the others, read the same data (model: kit/exercises/signals.py)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from kit.exercises import signals
from kit.exercises.room import tally_marks
from kit.exercises.views.base import ExerciseView, tally_bar
from kit.qi.rooms import RoomAnswer
from kit.spc.api import RULE_SET_NAMES
from kit.ui.step import edit_handler
from kit.ui.widgets import classed


class SignalView(ExerciseView):
    css_class = "kit-exercise-signals"

    def __init__(self, context: Any, model: Any, seed: int = 1) -> None:
        super().__init__(context, model)
        self.seed = seed
        self.case = signals.make_case(seed)
        self.rules = classed(
            w.Dropdown(
                options=[(RULE_SET_NAMES[r], r) for r in signals.RULE_SETS],
                value="ihi",
                description="Rule set:",
            ),
            "kit-signal-rules",
        )
        self.new_button = classed(
            w.Button(description="New chart", icon="refresh"), "kit-signal-new"
        )
        self.months = [
            classed(
                w.ToggleButton(description=str(i + 1), layout=w.Layout(width="42px")),
                "kit-signal-month",
                f"kit-signal-month-{i + 1}",
            )
            for i in range(signals.POINTS)
        ]
        self.check_button = classed(
            w.Button(description="Check my answer", button_style="success"), "kit-signal-check"
        )
        self.feedback = classed(w.HTML(), "kit-signal-feedback")
        self.chart_box = classed(w.VBox(), "kit-chart", "kit-signal-chart")
        self.tally = classed(w.HTML(), "kit-room-tally")
        self.room_board.children = [self.tally]
        self.new_button.on_click(self._on_new)
        self.check_button.on_click(self._on_check)
        self.rules.observe(self._on_rules, "value")
        self.draw_case()
        self.children = [
            self.conflict,
            w.HTML(
                "<p>Read the chart. Which months would you call a signal of special cause? "
                "Press their numbers, then check your answer.</p>"
            ),
            w.HBox([self.rules, self.new_button]),
            self.chart_box,
            classed(
                w.HBox(self.months, layout=w.Layout(flex_flow="row wrap")), "kit-signal-months"
            ),
            self.check_button,
            self.feedback,
            self.layout_room_panel(),
        ]

    # --- drawing -------------------------------------------------------------------------

    def draw_case(self, scored: bool = False) -> None:
        from jupyter_bokeh import BokehModel

        if scored:
            from kit.charts.spc import spc_chart

            result = signals.scored_result(self.case.values, self.rules.value)
            fig = spc_chart(result, title="The same chart, read by the rules", height=300)
        else:
            fig = self._plain_chart()
        self.chart_box.children = [BokehModel(fig)]

    def _plain_chart(self) -> Any:
        """The chart before scoring: points, centre line and limits, no signal colours."""
        from bokeh.models import Span
        from bokeh.plotting import figure

        lines = signals.lines(self.case.values)
        x = list(range(1, signals.POINTS + 1))
        fig = figure(
            width=720,
            height=300,
            title="Monthly values (I chart)",
            x_axis_label="Month",
            toolbar_location=None,
        )
        fig.line(x, list(self.case.values), color="#555")
        fig.scatter(x, list(self.case.values), size=7, color="#1f77b4")
        for value, dash in (
            (lines.centre, "solid"),
            (lines.lower, "dashed"),
            (lines.upper, "dashed"),
        ):
            fig.add_layout(
                Span(location=value, dimension="width", line_dash=dash, line_color="#888")
            )
        fig.xaxis.ticker = x
        return fig

    def marked(self) -> list[int]:
        return [i for i, b in enumerate(self.months) if b.value]

    def show_case(self, seed: int, rules: str | None = None) -> None:
        self.seed = seed
        self.case = signals.make_case(seed)
        if rules:
            self.rules.value = rules
        for b in self.months:
            b.value = False
        self.feedback.value = ""
        self.draw_case()

    # --- handlers ----------------------------------------------------------------------

    @edit_handler
    def _on_new(self, _button: w.Button) -> None:
        self.show_case(self.seed + 1)

    @edit_handler
    def _on_rules(self, _change: dict) -> None:
        if self.feedback.value:
            self.check()

    @edit_handler
    def _on_check(self, _button: w.Button) -> None:
        self.check()

    def check(self) -> None:
        marked = self.marked()
        result = signals.score(marked, self.case.values, self.rules.value)
        rows = []
        for rules in signals.RULE_SETS:
            flags = signals.flagged(self.case.values, rules)
            months = ", ".join(str(m + 1) for m in flags) or "none"
            rows.append(f"<tr><td>{html.escape(RULE_SET_NAMES[rules])}</td><td>{months}</td></tr>")
        differ = signals.disagreements(self.case.values)
        if differ:
            disagree = (
                "<p>The rule sets disagree here: "
                + "; ".join(
                    f"month {m + 1} is flagged by "
                    + ", ".join(RULE_SET_NAMES[r] for r in who)
                    + " only"
                    for m, who in differ.items()
                )
                + ".</p>"
            )
        else:
            disagree = "<p>On this chart the three rule sets flag the same months.</p>"
        verdict = "kit-finding-ok" if result.right else "kit-finding-weak"
        self.feedback.value = (
            f"<div class='{verdict} kit-signal-score'><b>Under the "
            f"{html.escape(RULE_SET_NAMES[self.rules.value])}:</b> {html.escape(result.text)}</div>"
            f"<table class='kit-signal-rule-sets'><tr><th>Rule set</th><th>Months flagged</th></tr>"
            f"{''.join(rows)}</table>{disagree}<p>{html.escape(self.case.description)}</p>"
        )
        self.draw_case(scored=True)

    # --- room mode -----------------------------------------------------------------------

    def room_settings(self) -> dict[str, Any]:
        return {"seed": self.seed, "rules": self.rules.value}

    def apply_room(self, settings: dict[str, Any]) -> None:
        self.show_case(int(settings.get("seed", self.seed)), settings.get("rules"))
        self.rules.disabled = True  # the room is scored under the facilitator's rule set

    def answer(self) -> dict[str, Any]:
        return {"marked": self.marked()}

    def show_room(self, answers: list[RoomAnswer]) -> None:
        if not answers:
            self.tally.value = "<p class='kit-room-empty'>No answers yet.</p>"
            return
        counts = tally_marks(answers, signals.POINTS)
        people = len({(a.team_id, a.participant.casefold()) for a in answers})
        flags = set(signals.flagged(self.case.values, self.rules.value))
        rows = [
            tally_bar(
                f"Month {m + 1}" + (" (flagged by the rules)" if m in flags else ""),
                c,
                people,
                f"kit-tally-month-{m + 1}",
            )
            for m, c in enumerate(counts)
            if c or m in flags
        ]
        self.tally.value = (
            f"<p>Months the room marked as signals ({people} answering):</p>" + "".join(rows)
        )
