"""The results everyone sees: topics ranked by weighted score, advice, every rating drawn."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from kit.charts.setup_charts import ratings_chart, update_ratings
from kit.errors import KitInputError
from kit.steps.setup.view.section import Section, heading, warning_html
from kit.ui.widgets import classed, guarded

if TYPE_CHECKING:
    from kit.steps.setup.view import SetupView

#: the colour class of each readiness verdict (kit-style.html)
_VERDICT_CLASSES = {"ready": "kit-good", "develop_first": "kit-weak", "no_votes": "kit-muted"}


class ResultsSection(Section):
    """Ranking, readiness advice and the spread of every individual rating."""

    def __init__(self, page: SetupView) -> None:
        from jupyter_bokeh import BokehModel

        super().__init__(page, "kit-setup-results")
        result, _problem = self._results()
        self.ratings_figure = ratings_chart(result or _empty_result(), **self.model.chart_options())
        self.ratings_chart = classed(
            BokehModel(self.ratings_figure), "kit-chart", "kit-setup-ratings-chart"
        )
        self.ranking = classed(w.HTML(), "kit-setup-ranking")
        refresh = classed(
            w.Button(description="Refresh results", icon="refresh"), "kit-setup-results-refresh"
        )
        refresh.on_click(self._on_refresh)
        self.children = [
            heading(
                "Results",
                "Topics ranked by their weighted score (1 to 5) over every ballot, with "
                "advice from the degree of belief that the changes work.",
            ),
            refresh,
            self.ranking,
            self.ratings_chart,
        ]

    def _results(self) -> tuple[Any, str]:
        """The results, or None and why they cannot be computed yet."""
        try:
            return self.model.results(), ""
        except KitInputError as error:
            return None, str(error)

    def show(self) -> None:
        result, problem = self._results()
        if result is None:
            self.ranking.value = (
                f"<p class='kit-setup-results-problem kit-error'>{html.escape(problem)}</p>"
            )
            return
        # the warnings name voters, so only the facilitator sees them
        self.ranking.value = ranking_html(result, show_warnings=self.model.is_facilitator)
        update_ratings(self.ratings_figure, result, **self.model.chart_options())

    @guarded()
    def _on_refresh(self, _button: w.Button) -> None:
        self.page.flush()
        self.model.reload()
        self.page.load()


def _empty_result() -> Any:
    from kit.qi.topics import TopicResult

    return TopicResult(candidates=[], ratings=[], weights={}, n_ballots=0)


def ranking_html(result: Any, *, show_warnings: bool = True) -> str:
    if not result.candidates:
        return "<p><i>No candidate topics yet.</i></p>"
    rows = []
    for c in result.candidates:
        verdict = _VERDICT_CLASSES.get(c.readiness.verdict, "kit-muted")
        score = "–" if c.score is None else f"{c.score:.2f}"
        rank = "–" if c.rank is None else str(c.rank)
        rows.append(
            f"<tr class='kit-setup-rank-row'><td class='kit-setup-rank'>{rank}</td>"
            f"<td class='kit-setup-rank-topic'><b>{html.escape(c.title)}</b></td>"
            f"<td class='kit-setup-rank-score'>{score}</td><td>{c.n_voters}</td>"
            f"<td class='kit-setup-readiness {verdict}'>"
            f"<b>{html.escape(c.readiness.label)}</b><br>"
            f"<span class='kit-small'>{html.escape(c.readiness.reason)}</span></td></tr>"
        )
    warnings = warning_html(result.warnings, "kit-setup-results-warnings") if show_warnings else ""
    return (
        f"<p>{result.n_ballots} ballot{'s' if result.n_ballots != 1 else ''} cast.</p>"
        "<table class='kit-setup-ranking-table kit-table' cellpadding='5'>"
        "<tr><th align='left'>Rank</th><th align='left'>Topic</th>"
        "<th align='left'>Weighted score</th><th align='left'>Voters</th>"
        "<th align='left'>Advice</th></tr>" + "".join(rows) + f"</table>{warnings}"
    )
