"""Collaborative dashboard: the facilitator's view of every team, refreshed while a workshop runs.

A status grid (sortable and filterable, a button per team opens its detail), small multiples
of one measure across the teams (paged, each team's signals coloured as on its own chart),
the pooled measure, the number of teams showing improvement, the funnel plot for a chosen
month, the "all teach, all learn" suggestions with their evidence, and downloads of a
team's storyboard and of the collaborative summary. Every number comes from the model
(``kit.qi.dashboard``, ``kit.qi.presenters``, ``kit.reports``): this view only draws.

Live refresh: a ``Poller`` (``kit/ui/poller.py``) on the kernel's loop asks the model to read
the store every few seconds; only when the reading differs are the grid and charts redrawn,
in place (the small multiples through ``update_chart``, the others as new figures in the same
boxes), so the page never reloads.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import ipywidgets as w

from kit.errors import KitInputError
from kit.qi.dashboard import SORT_KEYS, TeamStatus
from kit.steps.dashboard.grid import COLUMNS, TeamRow, status_cells
from kit.steps.dashboard.model import (
    ASSESSMENT_FILTERS,
    COMPLETENESS_FILTERS,
    OVERDUE_FILTERS,
    PAGE_SIZE,
    SIGNAL_FILTERS,
    DashboardModel,
)
from kit.ui.app import AppContext, AppShell, run
from kit.ui.comments import team_threads_html, unanswered_html
from kit.ui.downloads import download_link
from kit.ui.poller import Poller
from kit.ui.step import StepView, edit_handler
from kit.ui.widgets import SharedLook, classed, guarded

#: seconds between two readings of the store (issue 14: new data shows within 10 s)
REFRESH_SECONDS = 4.0


def _dropdown(label: str, table: dict[str, tuple[str, dict]], css: str) -> w.Dropdown:
    return classed(
        w.Dropdown(
            description=label,
            options=[(words, key) for key, (words, _kw) in table.items()],
            value="any",
            layout=w.Layout(width="auto"),
        ),
        css,
    )


class DashboardView(StepView[DashboardModel]):
    css_class = "kit-dashboard"
    reloaded_message = "Reloaded: the dashboard shows the store as it is now."

    def __init__(self, context: AppContext, model: DashboardModel) -> None:
        super().__init__(context, model)
        self.sort = classed(
            w.Dropdown(
                description="Sort:",
                options=[(words, key) for key, words in SORT_KEYS.items()],
                value="name",
                layout=w.Layout(width="auto"),
            ),
            "kit-dashboard-sort",
        )
        self.signal = _dropdown("Signal:", SIGNAL_FILTERS, "kit-dashboard-filter-signal")
        self.assessment = _dropdown("Score:", ASSESSMENT_FILTERS, "kit-dashboard-filter-score")
        self.overdue = _dropdown("Reports:", OVERDUE_FILTERS, "kit-dashboard-filter-overdue")
        self.completeness = _dropdown(
            "Data:", COMPLETENESS_FILTERS, "kit-dashboard-filter-completeness"
        )
        self.rows: dict[str, TeamRow] = {}
        self._looks = SharedLook()
        self.grid = classed(w.VBox(), "kit-dashboard-grid")
        self.count = classed(w.HTML(), "kit-dashboard-count")
        self.refreshed = classed(w.HTML(), "kit-dashboard-refreshed")
        self.detail = classed(w.VBox(), "kit-dashboard-detail")
        self.detail_team: str | None = None
        self.unanswered = classed(w.HTML(), "kit-dashboard-unanswered")
        self.detail_feedback = classed(w.HTML(), "kit-dashboard-detail-feedback")
        self._detail_figures: dict[str, Any] = {}
        self.measure = classed(
            w.Dropdown(description="Measure:", layout=w.Layout(width="auto")),
            "kit-dashboard-measure",
        )
        self.page = classed(
            w.Dropdown(description="Teams:", layout=w.Layout(width="auto")), "kit-dashboard-page"
        )
        self.multiples = classed(w.VBox(), "kit-dashboard-multiples")
        self.multiples_teams = classed(w.HTML(), "kit-dashboard-multiples-teams")
        self._multiples_keys: list[str] = []
        self._multiples_grid: Any = None
        self.pooled = classed(w.VBox(), "kit-dashboard-pooled")
        self.improving = classed(w.VBox(), "kit-dashboard-improving")
        self.month = classed(
            w.Dropdown(description="Month:", layout=w.Layout(width="auto")),
            "kit-dashboard-month",
        )
        self.funnel = classed(w.VBox(), "kit-dashboard-funnel")
        self.funnel_words = classed(w.HTML(), "kit-dashboard-funnel-words")
        self.suggestions = classed(w.HTML(), "kit-dashboard-suggestions")
        self.summary_button = classed(
            w.Button(description="Prepare the summary and every storyboard", icon="download"),
            "kit-dashboard-all-reports",
        )
        self.summary_button.layout.width = "auto"
        self.progress = classed(
            w.IntProgress(min=0, max=1, value=0, description="Reports:", layout=w.Layout(
                display="none")),
            "kit-dashboard-progress",
        )  # fmt: skip
        self.summary_downloads = classed(w.HTML(), "kit-dashboard-summary-downloads")
        self.poller = Poller(self.refresh, REFRESH_SECONDS)
        self.children = self._layout()
        for control in (self.sort, self.signal, self.assessment, self.overdue, self.completeness):
            control.observe(self._on_grid_change, names="value")
        self.measure.observe(self._on_measure_change, names="value")
        self.page.observe(self._on_page_change, names="value")
        self.month.observe(self._on_month_change, names="value")
        self.summary_button.on_click(self._on_all_reports)
        self.load()
        self.poller.start()

    def _layout(self) -> list[w.Widget]:
        header = w.HTML(
            "<div style='display:flex'><b style='width:18%'>Team</b>"
            + "".join(f"<b style='width:calc(82% * {float(wd[:-1]) / 100})'>{h}</b>"
                      for h, wd in COLUMNS)
            + "</div>"
        )  # fmt: skip
        return [
            w.HTML(
                "<p>Every team at a glance. Signals are read on each team's chart under the "
                "Anhøj rules, with the first 12 months as its frozen baseline "
                "(<code>kit/qi/dashboard.py</code>); the funnel plot's limits follow "
                "Spiegelhalter, <i>Funnel plots for comparing institutional performance</i>, "
                "Statistics in Medicine 2005. The page reads the store again every few "
                "seconds.</p>"
            ),
            self.refreshed,
            w.HTML("<h3>Teams</h3>"),
            w.HBox([self.sort, self.signal]),
            w.HBox([self.assessment, self.overdue, self.completeness]),
            self.count,
            header,
            self.grid,
            self.detail,
            w.HTML("<h3>Faculty feedback waiting for the team's reply</h3>"),
            self.unanswered,
            w.HTML("<h3>One measure across the teams</h3>"),
            w.HBox([self.measure, self.page]),
            self.multiples_teams,
            self.multiples,
            w.HTML("<h3>The collaborative</h3>"),
            self.pooled,
            self.improving,
            self.month,
            self.funnel,
            self.funnel_words,
            w.HTML("<h3>All teach, all learn: suggestions for the next learning session</h3>"),
            self.suggestions,
            w.HTML("<h3>Reports</h3>"),
            self.summary_button,
            self.progress,
            self.summary_downloads,
        ]

    # --- showing the model ------------------------------------------------------------

    def show_model(self) -> None:
        measures = self.model.measures()
        current = self.measure.value
        self.measure.options = [(m.name, m.id) for m in measures]
        ids = [m.id for m in measures]
        if current in ids:
            self.measure.value = current
        elif ids:
            self.measure.value = ids[0]
        months = self.model.months()
        chosen = self.month.value
        self.month.options = [(f"{m:%B %Y}", m) for m in reversed(months)]
        if chosen in months:
            self.month.value = chosen
        elif months:
            self.month.value = months[-1]
        self._show_grid()
        self._show_pages()
        self._show_multiples()
        self._show_collaborative()
        self._show_funnel()
        self._show_suggestions()
        self._show_feedback()
        if self.detail_team is not None and self.detail.children:
            self._refresh_detail(self.detail_team)
        self.refreshed.value = (
            f"<p class='kit-small kit-muted'>Read at {dt.datetime.now():%H:%M:%S}; "
            f"current period {html.escape(self.model.statuses[0].period_label)}.</p>"
            if self.model.statuses
            else "<p>This collaborative has no teams yet.</p>"
        )

    def visible_statuses(self) -> list[TeamStatus]:
        return self.model.rows(
            self.sort.value,
            signal=self.signal.value,
            assessment=self.assessment.value,
            overdue=self.overdue.value,
            completeness=self.completeness.value,
        )

    def _show_grid(self) -> None:
        shown = self.visible_statuses()
        for status in shown:
            row = self.rows.get(status.team_id)
            if row is None:
                row = TeamRow(status, self._looks)
                row.open.on_click(self._on_open)
                self.rows[status.team_id] = row
            else:
                row.show(status)
        self.grid.children = [self.rows[s.team_id] for s in shown]
        total = len(self.model.statuses)
        self.count.value = f"<p class='kit-small'>{len(shown)} of {total} teams shown.</p>"

    def _show_pages(self) -> None:
        teams = self.model.charted_teams(self.measure.value) if self.measure.value else []
        pages = max(1, -(-len(teams) // PAGE_SIZE))
        current = self.page.value
        self.page.options = [
            (f"{p * PAGE_SIZE + 1}-{min((p + 1) * PAGE_SIZE, len(teams))} of {len(teams)}", p)
            for p in range(pages)
        ]
        self.page.value = current if current is not None and current < pages else 0

    def _show_multiples(self) -> None:
        measure_id = self.measure.value
        many = self.model.result(measure_id) if measure_id else None
        if many is None:
            self.multiples.children = [w.HTML("<p>No team has data for this measure yet.</p>")]
            self._multiples_keys, self._multiples_grid = [], None
            self.multiples_teams.value = ""
            return
        teams = self.model.charted_teams(measure_id)
        start = (self.page.value or 0) * PAGE_SIZE
        keys = teams[start : start + PAGE_SIZE]
        # the teams in words too: a chart's title is drawn on its canvas, out of a reader's reach
        self.multiples_teams.value = (
            f"<p class='kit-small'>Teams {start + 1}-{start + len(keys)}: "
            + " · ".join(html.escape(self.model.team_name(k)) for k in keys)
            + "</p>"
        )
        from kit.charts.spc import update_chart

        if keys == self._multiples_keys and self._multiples_grid is not None:
            for fig, key in zip(self._figures(self._multiples_grid), keys, strict=True):
                update_chart(fig, many.series(key))
            return
        from jupyter_bokeh import BokehModel

        from kit.charts.spc import small_multiples

        target = self.model.measure(measure_id).target
        grid = small_multiples(many, keys=keys, ncols=4, target=target)
        for fig, key in zip(self._figures(grid), keys, strict=True):
            fig.title.text = self.model.team_name(key)
        self._multiples_keys, self._multiples_grid = keys, grid
        self.multiples.children = [classed(BokehModel(grid), "kit-chart")]

    @staticmethod
    def _figures(grid: Any) -> list[Any]:
        return [child[0] for child in grid.children]

    def _show_collaborative(self) -> None:
        from jupyter_bokeh import BokehModel

        from kit.charts.storyboard import improvement_chart
        from kit.reports.summary import _pooled_figure

        measure_id = self.measure.value
        boxes: list[w.Widget] = []
        if measure_id:
            fig = _pooled_figure(self.model.measure(measure_id), self.model.records.observations)
            if fig is not None:
                boxes.append(classed(BokehModel(fig), "kit-chart"))
        self.pooled.children = boxes or [w.HTML("<p>No pooled data for this measure yet.</p>")]
        if self.model.months():
            fig = improvement_chart(self.model.improving_counts(), len(self.model.statuses))
            self.improving.children = [classed(BokehModel(fig), "kit-chart")]
        else:
            self.improving.children = []

    def _show_funnel(self) -> None:
        from kit.reports.summary import _funnel

        measure_id, month = self.measure.value, self.month.value
        if not measure_id or month is None:
            self.funnel.children, self.funnel_words.value = [], ""
            return
        fig, words = _funnel(self.model.measure(measure_id), self.model.records, month)
        if fig is None:
            self.funnel.children = []
        else:
            from jupyter_bokeh import BokehModel

            self.funnel.children = [classed(BokehModel(fig), "kit-chart")]
        self.funnel_words.value = "".join(f"<p>{html.escape(s)}</p>" for s in words)

    def _show_suggestions(self) -> None:
        found = self.model.suggestions()
        if not found:
            self.suggestions.value = "<p>No suggestions yet: no team shows improvement.</p>"
            return
        items = "".join(
            f"<li class='kit-dashboard-suggestion'><b>{html.escape(s.title)}</b>"
            + (f" <span class='kit-muted'>(driver: {html.escape(s.driver)})</span>"
               if s.driver else "")
            + "<ul>" + "".join(f"<li>{html.escape(e)}</li>" for e in s.evidence) + "</ul></li>"
            for s in found
        )  # fmt: skip
        self.suggestions.value = (
            f"<ul>{items}</ul><p class='kit-small kit-muted'>The kit suggests; faculty decide "
            "(all teach, all learn: IHI, <i>The Breakthrough Series</i>, 2003).</p>"
        )

    @staticmethod
    def _detail_head(status: TeamStatus) -> str:
        signals = "".join(
            f"<li>{html.escape(s.measure_name)}: "
            + ("improvement" if s.improving else "no improvement signal")
            + (", concern" if s.concern else "")
            + (f" (first {s.first_improvement:%b %Y})" if s.first_improvement else "")
            + "</li>"
            for s in status.signals
        )
        return (
            f"<h3 class='kit-dashboard-detail-name'>{html.escape(status.name)}</h3>"
            f"<p>{html.escape(status.organisation)}</p>"
            f"<div>{status_cells(status)}</div><ul>{signals}</ul>"
        )

    def _detail_series(self, team_id: str) -> dict[str, tuple[Any, Any]]:
        """The team's charted measures: measure id -> (measure, its series)."""
        found = {}
        for measure in self.model.records.family_of(team_id):
            many = self.model.result(measure.id)
            if many is not None and team_id in set(map(str, many.points[many.by])):
                found[measure.id] = (measure, many.series(team_id))
        return found

    def show_detail(self, team_id: str) -> None:
        """The team's statuses and its charts, under the grid."""
        status = self.model.status(team_id)
        self.detail_team = team_id
        from jupyter_bokeh import BokehModel

        from kit.charts.spc import spc_chart

        charts: list[w.Widget] = []
        self._detail_figures = {}
        for measure_id, (measure, series) in self._detail_series(team_id).items():
            fig = spc_chart(
                series, title=f"{measure.name} ({measure.measure_kind})",
                target=measure.target, width=640, height=260,
            )  # fmt: skip
            self._detail_figures[measure_id] = fig
            charts.append(classed(BokehModel(fig), "kit-chart"))
        head = classed(w.HTML(self._detail_head(status)), "kit-dashboard-detail-head")
        button = classed(
            w.Button(description="Download this team's storyboard", icon="download"),
            "kit-dashboard-storyboard",
        )
        button.layout.width = "auto"
        self.storyboard_link = classed(w.HTML(), "kit-dashboard-storyboard-link")
        button.on_click(self._on_storyboard)
        close = classed(w.Button(description="Close", icon="times"), "kit-dashboard-close")
        close.on_click(self._on_close)
        self.detail.children = [
            head, w.HBox([button, close]), self.storyboard_link, self.detail_feedback, *charts
        ]  # fmt: skip
        self._show_feedback()

    def _show_feedback(self) -> None:
        """The unanswered threads (and the open team's threads), read on every refresh."""
        names = {s.team_id: s.name for s in self.model.statuses}
        now = dt.datetime.now(dt.UTC)
        measures = self.model.measure_names()
        waiting = self.model.unanswered_feedback()
        self.unanswered.value = unanswered_html(waiting, names, measures, now)
        if self.detail_team is not None:
            threads = self.model.feedback_threads(self.detail_team)
            self.detail_feedback.value = "<h4>Faculty feedback</h4>" + team_threads_html(
                threads, measures
            )

    def _refresh_detail(self, team_id: str) -> None:
        """After a change: the open team's statuses anew, its charts updated in place (the same
        figures, so the page does not flash), or drawn anew when its measures changed."""
        if team_id not in {s.team_id for s in self.model.statuses}:
            self.detail_team, self.detail.children = None, []
            return
        series = self._detail_series(team_id)
        if series.keys() != self._detail_figures.keys():
            self.show_detail(team_id)
            return
        from kit.charts.spc import update_chart

        self.detail.children[0].value = self._detail_head(self.model.status(team_id))
        try:
            for measure_id, (measure, result) in series.items():
                update_chart(self._detail_figures[measure_id], result, target=measure.target)
        except KitInputError:  # periods of another kind than the charts' axes: draw anew
            self.show_detail(team_id)

    # --- refreshing -------------------------------------------------------------------

    def refresh(self) -> bool:
        """Read the store again; redraw only when something changed (the Poller's tick)."""
        if not self.model.refresh():
            self._show_feedback()  # comments are not in the model's fingerprint: every tick
            return False
        self.load()
        return True

    # --- handlers ---------------------------------------------------------------------

    @edit_handler
    def _on_grid_change(self, _change: dict[str, Any]) -> None:
        self._show_grid()

    @edit_handler
    def _on_measure_change(self, _change: dict[str, Any]) -> None:
        with self.quiet():
            self._show_pages()
        self._show_multiples()
        self._show_collaborative()
        self._show_funnel()

    @edit_handler
    def _on_page_change(self, _change: dict[str, Any]) -> None:
        self._show_multiples()

    @edit_handler
    def _on_month_change(self, _change: dict[str, Any]) -> None:
        self._show_funnel()

    @guarded()
    def _on_open(self, button: w.Button) -> None:
        row = next(r for r in self.rows.values() if r.open is button)
        self.show_detail(row.team_id)

    @guarded()
    def _on_close(self, _button: w.Button) -> None:
        self.detail_team = None
        self.detail.children = []

    @guarded()
    def _on_storyboard(self, _button: w.Button) -> None:
        assert self.detail_team is not None
        name, data = self.model.storyboard(self.detail_team)
        self.storyboard_link.value = download_link(data, name, "text/html", f"Download {name}")

    @guarded()
    def _on_all_reports(self, _button: w.Button) -> None:
        self.progress.layout.display = "flex"
        self.progress.value = 0

        def step(done: int, total: int, label: str) -> None:
            self.progress.max = total
            self.progress.value = done
            self.progress.description = f"{done}/{total}"

        summary, archive = self.model.all_reports(step)
        self.summary_downloads.value = " · ".join(
            (
                download_link(summary, "summary.html", "text/html", "Download the summary"),
                download_link(
                    archive, "reports.zip", "application/zip",
                    "Download the summary with every storyboard (zip)",
                ),
            )
        )  # fmt: skip


def build(context: AppContext) -> DashboardView:
    return DashboardView(context, DashboardModel(context.store, context.actor))


def app(store: Any = None, params: dict[str, str] | None = None) -> AppShell:
    """The dashboard; ``params`` stands in for the page's query string in tests."""
    shell = AppShell("Collaborative dashboard", build, store=store, css_name="dashboard")
    if params is not None:
        return shell.start(params)
    return run(
        shell,
        uses_bokeh=True,
        charts=["kit.charts.spc", "kit.charts.storyboard", "kit.reports.summary"],
    )


__all__ = ["DashboardView", "app", "build"]
