"""Assessment: faculty rate every team each month; each team rates itself beside them.

Faculty see one row per team for the chosen month: their score (a choice of the scale's nine
levels), the team's own score, the gap, and who set each score and when. A team sees its own
row and its past months. Every choice saves at once through the base's ``commit``; the grid
of scores over the months redraws from the store. Faculty reword the scale's levels for their
collaborative; everyone sees the wording in use.
"""

from __future__ import annotations

import datetime as dt
import html
import tempfile
from pathlib import Path
from typing import Any

import ipywidgets as w

from kit.content import assessment_scale
from kit.steps.assessment.model import AssessmentModel, TeamMonth
from kit.ui.app import AppContext, AppShell, run
from kit.ui.downloads import download_link
from kit.ui.step import StepView, edit_handler
from kit.ui.widgets import classed, field_error, guarded, set_field_error, wide

NOT_RATED = ""


def _rating_html(row: TeamMonth, which: str) -> str:
    rating = row.faculty if which == "faculty" else row.own
    if rating is None:
        return "<span class='kit-muted'>not rated</span>"
    return (
        f"<b>{rating.score:.1f}</b> {html.escape(rating.label)}<br>"
        f"<span class='kit-small kit-muted kit-assessment-who'>{html.escape(rating.who_when)}</span>"
    )


def _gap_html(row: TeamMonth) -> str:
    css = "kit-assessment-gap-flag" if row.flagged else "kit-assessment-gap"
    mark = "<b aria-hidden='true'>! </b>" if row.flagged else ""
    words = "Discuss: " if row.flagged else ""
    style = "background:#FCE8C8;padding:2px 4px;border-radius:3px" if row.flagged else ""
    return f"<span class='{css}' style='{style}'>{mark}{words}{html.escape(row.gap_text)}</span>"


class RatingRow(w.HBox):
    """One team's line for a month: the score this person gives, the other rating, the gap."""

    def __init__(self, team_id: str, options: list[tuple[str, str]]) -> None:
        super().__init__(layout=w.Layout(align_items="center", padding="3px 0"))
        self.team_id = team_id
        self.name = w.HTML(layout=w.Layout(width="18%"))
        self.score = classed(
            w.Dropdown(options=options, value=NOT_RATED, layout=w.Layout(width="22%")),
            "kit-assessment-score",
            f"kit-assessment-score-{team_id}",
        )
        self.mine = classed(w.HTML(layout=w.Layout(width="20%")), "kit-assessment-mine")
        self.other = classed(w.HTML(layout=w.Layout(width="20%")), "kit-assessment-other")
        self.gap = classed(w.HTML(layout=w.Layout(width="20%")), "kit-assessment-gap-cell")
        self.error = field_error(self)
        classed(self, "kit-row-divided", "kit-assessment-row", f"kit-assessment-row-{team_id}")
        self.children = [self.name, self.score, self.mine, self.other, self.gap]


class AssessmentView(StepView[AssessmentModel]):
    css_class = "kit-assessment"
    reloaded_message = "Reloaded the saved scores; choose again if needed."

    def __init__(self, context: AppContext, model: AssessmentModel) -> None:
        super().__init__(context, model)
        self.month = classed(w.Dropdown(description="Month:"), "kit-assessment-month")
        self.rows: dict[str, RatingRow] = {}
        self.grid = classed(w.VBox(), "kit-assessment-grid")
        self.error = classed(field_error(self), "kit-assessment-error")
        self.history = classed(w.HTML(), "kit-assessment-history")
        self.scale = classed(w.HTML(), "kit-assessment-scale")
        self.summary = classed(w.HTML(), "kit-assessment-summary")
        # rewording (faculty)
        self.level = classed(w.Dropdown(description="Level:"), "kit-assessment-level")
        self.label = classed(w.Text(description="Label:", layout=wide()), "kit-assessment-label")
        self.description = classed(
            w.Textarea(description="Wording:", layout=w.Layout(width="100%", height="70px")),
            "kit-assessment-description",
        )
        self.save_wording = classed(
            w.Button(description="Save this wording", icon="save"), "kit-assessment-save-wording"
        )
        self.reset_wording = classed(
            w.Button(description="Back to the kit's wording", icon="undo"),
            "kit-assessment-reset-wording",
        )
        self.wording_error = field_error(self.description)
        # export
        self.export_button = classed(
            w.Button(description="Prepare CSV and Excel", icon="download"),
            "kit-assessment-export",
        )
        self.downloads = classed(w.HTML(), "kit-assessment-downloads")
        self.chart_box = classed(w.VBox(layout=w.Layout(width="100%")), "kit-assessment-chart")
        self._figure: Any = None
        self._source: Any = None
        for button in (self.save_wording, self.reset_wording, self.export_button):
            button.layout.width = "auto"
        self.children = self._layout()
        self.month.observe(self._on_month_change, names="value")
        self.level.observe(self._on_level_change, names="value")
        self.save_wording.on_click(self._on_save_wording)
        self.reset_wording.on_click(self._on_reset_wording)
        self.export_button.on_click(self._on_export)
        self.load()

    # --- building ---------------------------------------------------------------------

    def _layout(self) -> list[w.Widget]:
        scale = assessment_scale()
        faculty = self.model.is_facilitator
        intro = (
            "Rate each team for the month from its monthly report and data. The team's own "
            "score is shown beside yours; a gap of a whole point or more is marked for the "
            "monthly call (the kit's threshold)."
            if faculty
            else "Rate your team for the month. Faculty rate your team too; where the two "
            "differ, talk it through on the next call."
        )
        head = (
            "Team",
            "Faculty score" if faculty else "Your team's score",
            "Given",
            "Team's own score" if faculty else "Faculty's score",
            "Gap",
        )
        header = w.HBox(
            [
                w.HTML(f"<b>{h}</b>", layout=w.Layout(width=wd))
                for h, wd in zip(head, ("18%", "22%", "20%", "20%", "20%"), strict=True)
            ]
        )
        parts: list[w.Widget] = [
            w.HTML(
                f"<p>{html.escape(intro)}</p><p class='kit-small kit-muted'>Scale: "
                f"{html.escape(scale['version'])}</p>"
            ),
            self.conflict,
            self.month,
            header,
            self.grid,
            self.error,
            self.summary,
        ]
        if not faculty:
            parts += [w.HTML("<h3>Your team's months</h3>"), self.history]
        parts += [w.HTML("<h3>Scores over the months</h3>"), self.chart_box]
        parts += [w.HTML("<h3>The scale in this collaborative</h3>"), self.scale]
        if faculty:
            parts += [
                w.HTML(
                    "<p>Reword a level for your collaborative's topic; the score stays. "
                    "Every team sees the new wording.</p>"
                ),
                self.level,
                self.label,
                self.description,
                self.wording_error,
                w.HBox([self.save_wording, self.reset_wording]),
            ]
        parts += [w.HTML("<h3>Export</h3>"), self.export_button, self.downloads]
        return parts

    def _options(self) -> list[tuple[str, str]]:
        levels = self.model.levels()
        return [("(not rated)", NOT_RATED)] + [
            (f"{lv['score']:.1f} · {lv['label']}", f"{lv['score']:.1f}") for lv in levels
        ]

    # --- showing the model ------------------------------------------------------------

    def show_model(self) -> None:
        months = self.model.months()
        current = self.month.value
        self.month.options = [(f"{m:%B %Y}", m) for m in months]
        if current in months:
            self.month.value = current
        elif months:
            self.month.value = months[0]
        options = self._options()
        self.rows = {}
        for name, team_id in self.model.teams():
            row = RatingRow(team_id, options)
            row.name.value = f"<b>{html.escape(name)}</b>"
            row.score.observe(self._on_score_change, names="value")
            self.rows[team_id] = row
        self.grid.children = list(self.rows.values())
        self._show_month()
        self._show_scale()
        self._show_chart()

    def _show_month(self) -> None:
        month = self.month.value
        if month is None:
            return
        mine = "faculty" if self.model.is_facilitator else "own"
        flagged = 0
        with self.quiet():
            for team_id, row in self.rows.items():
                data = self.model.team_month(team_id, month)
                rating = data.faculty if mine == "faculty" else data.own
                row.score.value = f"{rating.score:.1f}" if rating else NOT_RATED
                row.mine.value = _rating_html(data, "faculty" if mine == "faculty" else "team")
                row.other.value = _rating_html(data, "team" if mine == "faculty" else "faculty")
                row.gap.value = _gap_html(data)
                flagged += data.flagged
        if self.model.is_facilitator:
            rated = sum(1 for t in self.rows if self.model.team_month(t, month).faculty)
            self.summary.value = (
                f"<p>{rated} of {len(self.rows)} teams rated by faculty for {month:%B %Y}; "
                f"{flagged} with a gap to discuss.</p>"
            )
        else:
            self._show_history()

    def _show_history(self) -> None:
        team_id = str(self.model.own_team_id)
        rows = self.model.team_rows(team_id)
        if not rows:
            self.history.value = "<p><i>No scores yet.</i></p>"
            return
        body = "".join(
            f"<tr><td>{r.month:%b %Y}</td><td>{_rating_html(r, 'team')}</td>"
            f"<td>{_rating_html(r, 'faculty')}</td><td>{_gap_html(r)}</td></tr>"
            for r in rows
        )
        self.history.value = (
            "<table class='kit-table'><tr><th>Month</th><th>Your team</th><th>Faculty</th>"
            f"<th>Gap</th></tr>{body}</table>"
        )

    def _show_scale(self) -> None:
        levels = self.model.levels()
        rows = "".join(
            f"<tr><td><b>{lv['score']:.1f}</b></td><td>{html.escape(lv['label'])}"
            + (" <i class='kit-small'>(reworded)</i>" if lv["customised"] else "")
            + f"</td><td>{html.escape(lv['description'])}</td></tr>"
            for lv in levels
        )
        self.scale.value = (
            f"<table class='kit-table kit-assessment-levels'>{rows}</table>"
            "<p class='kit-small kit-muted'>Source: "
            f"{html.escape(assessment_scale()['sources']['ihi_assessment_scale'])}</p>"
        )
        if self.model.is_facilitator:
            current = self.level.value
            self.level.options = [(f"{lv['score']:.1f}", lv["score"]) for lv in levels]
            self.level.value = (
                current if current in [lv["score"] for lv in levels] else levels[0]["score"]
            )
            self._show_level()

    def _show_level(self) -> None:
        level = next(lv for lv in self.model.levels() if lv["score"] == self.level.value)
        with self.quiet():
            self.label.value = level["label"]
            self.description.value = level["description"]

    def _labels(self) -> dict[float, str]:
        return {lv["score"]: lv["label"] for lv in self.model.levels()}

    def _show_chart(self) -> None:
        rated_by = "faculty" if self.model.is_facilitator else "team"
        counts = self.model.distribution(rated_by)
        if self._figure is None:
            from jupyter_bokeh import BokehModel

            from kit.charts.assessment import distribution_chart

            title = (
                "Faculty scores: number of teams at each level, by month"
                if rated_by == "faculty"
                else "Your team's own scores, by month"
            )
            self._figure, self._source = distribution_chart(counts, self._labels(), title=title)
            self.chart_box.children = [classed(BokehModel(self._figure), "kit-chart")]
        else:
            from kit.charts.assessment import update_distribution

            update_distribution(self._figure, self._source, counts, self._labels())

    # --- handlers -------------------------------------------------------------------------

    @edit_handler
    def _on_month_change(self, _change: dict[str, Any]) -> None:
        self._show_month()

    @edit_handler
    def _on_score_change(self, change: dict[str, Any]) -> None:
        row = next(r for r in self.rows.values() if r.score is change["owner"])
        month: dt.date = self.month.value
        score = float(change["new"]) if change["new"] else None
        self.commit(
            lambda: self.model.rate(row.team_id, month, score),
            error_line=self.error,
            after=self._after_rating,
        )

    def _after_rating(self) -> None:
        self._show_month()
        self._show_chart()

    @edit_handler
    def _on_level_change(self, _change: dict[str, Any]) -> None:
        self._show_level()

    @guarded()
    def _on_save_wording(self, _button: w.Button) -> None:
        if self.commit(
            lambda: self.model.set_wording(
                self.level.value, self.label.value, self.description.value
            ),
            error_line=self.wording_error,
            after=self.load,
        ):
            self.alert.show(f"Level {self.level.value:.1f} now reads as you wrote it.", "success")

    @guarded()
    def _on_reset_wording(self, _button: w.Button) -> None:
        if self.commit(lambda: self.model.reset_wording(self.level.value), after=self.load):
            set_field_error(self.wording_error, None)
            self.alert.show(f"Level {self.level.value:.1f} uses the kit's wording again.", "info")

    @guarded()
    def _on_export(self, _button: w.Button) -> None:
        with tempfile.TemporaryDirectory() as folder:
            csv_path = self.model.export_csv(Path(folder) / "assessments.csv")
            xlsx_path = self.model.export_xlsx(Path(folder) / "assessments.xlsx")
            links = [
                download_link(
                    csv_path.read_bytes(), "assessments.csv", "text/csv", "Download the CSV"
                ),
                download_link(
                    xlsx_path.read_bytes(),
                    "assessments.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "Download the Excel file",
                ),
            ]
        self.downloads.value = " · ".join(links)


def build(context: AppContext) -> AssessmentView:
    return AssessmentView(context, AssessmentModel(context.store, context.actor))


def app(store=None, params: dict[str, str] | None = None) -> AppShell:
    """The assessment app; ``params`` stands in for the page's query string in tests."""
    shell = AppShell("Assessment", build, store=store, css_name="assessment")
    if params is not None:
        return shell.start(params)
    return run(shell, uses_bokeh=True, charts=["kit.charts.assessment"])


__all__ = ["AssessmentView", "app", "build"]
