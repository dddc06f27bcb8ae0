"""The results everyone sees: topics ranked by weighted score, advice, every rating drawn,
and a warning when one team's ballots outweigh the rest. The facilitator also sees every
ballot, who cast it and when, and can delete one (the store keeps it in its history)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from kit.charts.setup_charts import ratings_chart, update_ratings
from kit.errors import KitInputError
from kit.steps.setup.view.section import Section, heading, warning_html
from kit.steps.setup.view.topics import VERDICT_CLASSES
from kit.ui.widgets import classed, guarded

if TYPE_CHECKING:
    from kit.steps.setup.view import SetupView


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
        self.balance = classed(w.HTML(), "kit-setup-team-balance")
        self.ballot_list = classed(w.VBox(), "kit-setup-ballot-list")
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
            self.balance,
            self.ranking,
            self.ratings_chart,
            self.ballot_list,
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
        self.balance.value = self._balance_html(result)
        update_ratings(self.ratings_figure, result, **self.model.chart_options())
        if self.model.is_facilitator:
            self._show_ballots()

    def _balance_html(self, result: Any) -> str:
        """The team-weight warning: everyone sees it, only the facilitator and that team's
        members see which team (other teams' names stay hidden from participants)."""
        share = result.team_share
        if share is None:
            return ""
        name = None
        if self.model.is_facilitator or share.team_id == self.model.own_team_id:
            team = self.model.teams.get(share.team_id)
            name = team.record.name if team is not None else None
        return warning_html([share.message(name)], "kit-setup-team-warning")

    def _show_ballots(self) -> None:
        rows = self.model.ballot_rows()
        header = w.HTML(
            "<h4 class='kit-heading'>Ballots cast</h4><p class='kit-heading-help'>Every ballot, "
            "who cast it and when. Deleting one removes it from the results; the history "
            "keeps it.</p>"
        )
        items: list[w.Widget] = [header]
        if not rows:
            items.append(w.HTML("<p><i>No ballots yet.</i></p>"))
        for row in rows:
            when = row.saved_at.strftime("%d %b %Y %H:%M UTC")
            text = w.HTML(
                f"<span class='kit-setup-ballot-voter'><b>{html.escape(row.voter)}</b></span> "
                f"({html.escape(row.team)}), {row.n_scores} score"
                f"{'s' if row.n_scores != 1 else ''}, last saved {when} by "
                f"{html.escape(row.saved_by)}",
                layout=w.Layout(width="560px"),
            )
            delete = classed(
                w.Button(description="Delete", icon="trash", layout=w.Layout(min_width="130px")),
                "kit-setup-ballot-delete",
            )
            delete.on_click(
                lambda button, ballot_id=row.ballot_id: self._on_delete(button, ballot_id)
            )
            items.append(classed(w.HBox([text, delete]), "kit-setup-ballot-item"))
        self.ballot_list.children = items

    @guarded()
    def _on_delete(self, button: w.Button, ballot_id: str) -> None:
        """First click asks, second click deletes."""
        if button.description != "Really delete?":
            button.description = "Really delete?"
            button.button_style = "danger"
            return
        if self.page.commit(lambda: self.model.delete_ballot(ballot_id)):
            self.page.ballot.show()
            self.show()

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
        verdict = VERDICT_CLASSES.get(c.readiness.verdict, "kit-muted")
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
