"""The red beads: six willing workers draw day by day and the P chart shows that the system,
not the workers, makes the red beads; in room mode each participant is a worker and the
facilitator's screen draws the room's P chart as paddles arrive (model:
kit/exercises/red_beads.py)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import numpy as np

from kit.exercises import red_beads
from kit.exercises.room import room_draws
from kit.exercises.views.base import ExerciseView
from kit.qi.rooms import RoomAnswer
from kit.ui.step import edit_handler
from kit.ui.widgets import classed

WORKERS, DAYS = 6, 4


def p_chart(red: list[int], paddle: int, title: str) -> Any:
    """The kit's P chart (kit.spc + kit.charts.spc) of paddlefuls in chart order."""
    from kit.charts.spc import spc_chart

    return spc_chart(
        red_beads.p_chart_result(red, paddle),
        title=title,
        height=300,
        y_axis_label="Share of red beads",
    )


class RedBeadsView(ExerciseView):
    css_class = "kit-exercise-red-beads"

    def __init__(self, context: Any, model: Any, seed: int = 1) -> None:
        super().__init__(context, model)
        self.bin = red_beads.Bin()
        self.seed = seed
        self.draws = red_beads.draw(self.bin, WORKERS, DAYS, seed=seed)[0]
        self.day = 0
        self.mine: list[int] = []
        self._rng = np.random.default_rng()
        self.next_button = classed(
            w.Button(description="Next day: everyone draws", button_style="primary"),
            "kit-beads-next",
        )
        self.again_button = classed(
            w.Button(description="Start again", icon="refresh"), "kit-beads-again"
        )
        self.table = classed(w.HTML(), "kit-beads-table")
        self.chart_box = classed(w.VBox(), "kit-chart", "kit-beads-chart")
        self.feedback = classed(w.HTML(), "kit-beads-feedback")
        self.paddle_button = classed(
            w.Button(description="Draw my paddle", icon="hand-paper-o"), "kit-beads-paddle"
        )
        self.my_draws = classed(w.HTML(), "kit-beads-mine")
        self.room_chart = classed(w.VBox(), "kit-chart", "kit-beads-room-chart")
        self.room_text = classed(w.HTML(), "kit-room-tally")
        self.room_board.children = [self.room_text, self.room_chart]
        self.next_button.on_click(self._on_next)
        self.again_button.on_click(self._on_again)
        self.paddle_button.on_click(self._on_paddle)
        self.mine_box = w.VBox(
            [
                w.HTML(
                    "<h4>Be a willing worker</h4><p>Draw your own paddle, one a day for four "
                    "days, and send your draws to the room.</p>"
                ),
                w.HBox([self.paddle_button, self.my_draws]),
            ]
        )
        self.mine_box.layout.display = "none"
        self.children = [
            self.conflict,
            w.HTML(
                f"<p>The bin holds {self.bin.beads:,} beads, {self.bin.red:,} of them red "
                f"({self.bin.proportion:.0%}); the paddle has {self.bin.paddle} holes. Six "
                "willing workers each draw one paddleful a day. Red beads are defects.</p>"
            ),
            w.HBox([self.next_button, self.again_button]),
            self.table,
            self.chart_box,
            self.feedback,
            self.mine_box,
            self.layout_room_panel(),
        ]
        self.show_days()

    # --- the six workers -----------------------------------------------------------------

    def show_days(self) -> None:
        shown = self.draws[: self.day]
        head = "".join(f"<th>Day {d + 1}</th>" for d in range(self.day))
        rows = "".join(
            f"<tr><td>Worker {w_ + 1}</td>"
            + "".join(
                f"<td style='text-align:center'>{int(shown[d, w_])}</td>" for d in range(self.day)
            )
            + "</tr>"
            for w_ in range(WORKERS)
        )
        self.table.value = (
            f"<table class='kit-beads-days'><tr><th>Red beads</th>{head}</tr>{rows}</table>"
            if self.day
            else "<p>Press <b>Next day</b> to start the first day's work.</p>"
        )
        self.next_button.layout.display = "none" if self.day >= DAYS else ""
        if not self.day:
            self.chart_box.children = []
            self.feedback.value = ""
            return
        from jupyter_bokeh import BokehModel

        red = [int(v) for v in shown.reshape(-1)]
        fig = p_chart(red, self.bin.paddle, "The room's paddles, day by day (P chart)")
        self.chart_box.children = [BokehModel(fig)]
        self.feedback.value = self._feedback(shown)

    def _feedback(self, shown: np.ndarray) -> str:
        lines = red_beads.limits(self.bin.proportion, self.bin.paddle)
        ranking = red_beads.worker_ranking(shown)
        best, worst = ranking[0], ranking[-1]
        text = (
            f"<p>Best so far: worker {best[0]} with {best[1]} red beads; worst: worker "
            f"{worst[0]} with {worst[1]}. Every point is within the limits the bin sets "
            f"({lines.lower * self.bin.paddle:.0f} to {lines.upper * self.bin.paddle:.0f} red beads "
            "a paddle), so the differences are the system's: the same bin, the same paddle.</p>"
        )
        if self.day >= DAYS:
            text += (
                "<p class='kit-beads-lesson'><b>The lesson:</b> ranking, rewarding or warning "
                "these workers would be reacting to common-cause variation. Only a change to the "
                "system (fewer red beads in the bin) changes the results (Deming, The New "
                "Economics, 1994, chapter 7).</p>"
            )
        return text

    @edit_handler
    def _on_next(self, _button: w.Button) -> None:
        self.day = min(DAYS, self.day + 1)
        self.show_days()

    @edit_handler
    def _on_again(self, _button: w.Button) -> None:
        self.seed += 1
        self.draws = red_beads.draw(self.bin, WORKERS, DAYS, seed=self.seed)[0]
        self.day = 0
        self.show_days()

    # --- room mode -----------------------------------------------------------------------

    def apply_room(self, settings: dict[str, Any]) -> None:
        self.mine_box.layout.display = ""

    @edit_handler
    def _on_paddle(self, _button: w.Button) -> None:
        if len(self.mine) >= DAYS:
            self.alert.show("You have drawn your four days; send them to the room.", "info")
            return
        self.mine.append(red_beads.draw_paddle(self.bin, self._rng))
        self.my_draws.value = "Your red beads: " + ", ".join(
            f"day {d + 1}: <b>{r}</b>" for d, r in enumerate(self.mine)
        )

    def answer(self) -> dict[str, Any]:
        if not self.mine:
            from kit.errors import KitInputError

            raise KitInputError("Draw your paddle first, then send your draws.")
        return {"red": list(self.mine)}

    def show_room(self, answers: list[RoomAnswer]) -> None:
        draws = room_draws(answers)
        if not draws:
            self.room_text.value = "<p class='kit-room-empty'>No paddles yet.</p>"
            self.room_chart.children = []
            return
        from jupyter_bokeh import BokehModel

        red = [d[2] for d in draws]
        workers = sorted({d[0] for d in draws}, key=str.casefold)
        self.room_text.value = (
            f"<p class='kit-beads-room-count'>{len(red)} paddles from {len(workers)} workers: "
            f"{html.escape(', '.join(workers))}.</p>"
        )
        fig = p_chart(red, self.bin.paddle, "The room's paddles (P chart)")
        self.room_chart.children = [BokehModel(fig)]
