"""Each person's ballot: their name, then a 1-5 score per topic and criterion.

The name is the one the person signed in with; who signed in without one types it once, and
it then stays with the sign-in (``AppContext.sign_in_as``), so one person keeps one ballot.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import ipywidgets as w

from kit.steps.setup.view.section import Section, heading
from kit.ui.step import edit_handler
from kit.ui.widgets import classed, field_error

if TYPE_CHECKING:
    from kit.steps.setup.view import SetupView

#: 0 stands for "not scored": ipywidgets shows a Dropdown whose value is None as blank
NO_SCORE = 0
_SCORE_OPTIONS = [("–", NO_SCORE), ("1 weak", 1), ("2", 2), ("3", 3), ("4", 4), ("5 strong", 5)]


class BallotSection(Section):
    """A ballot kept under the voter's name; each score is saved as soon as it is chosen."""

    def __init__(self, page: SetupView) -> None:
        super().__init__(page, "kit-setup-ballot-section")
        self.voter = classed(
            w.Text(
                description="Your name",
                placeholder="Type your name to start your ballot",
                layout=w.Layout(width="420px"),
            ),
            "kit-setup-voter",
        )
        identity = page.context.identity
        self.model.sign_ballot_as(
            identity.person, identity.session_id or None, fixed=bool(identity.person)
        )
        self.voter.disabled = self.model.voter_fixed
        self.voter_error = field_error(self.voter)
        self.voter.observe(self._on_voter_change, names="value")
        self.ballot_rows = classed(w.VBox(), "kit-setup-ballot")
        self.score_inputs: dict[tuple[str, str], w.Dropdown] = {}
        self.criteria_help = w.HTML(self._criteria_help_html())
        self.children = [
            heading(
                "Your ballot",
                "Score every candidate topic from 1 (weak) to 5 (strong) on each "
                "criterion. Your ballot is your own: it is saved under your name, one "
                "ballot per person, recorded with your team.",
            ),
            w.HBox([self.voter, self.voter_error]),
            self.criteria_help,
            self.ballot_rows,
        ]

    def _criteria_help_html(self) -> str:
        items = []
        for info in self.model.criteria_help().values():
            anchors = info["anchors"]
            items.append(
                f"<li><b>{html.escape(info['label'])}</b>: {html.escape(info['question'])} "
                f"<span class='kit-muted'>(1: {html.escape(anchors[1])} 5: "
                f"{html.escape(anchors[5])})</span></li>"
            )
        return (
            "<details class='kit-setup-criteria-help'><summary>How to score each criterion"
            f"</summary><ul>{''.join(items)}</ul></details>"
        )

    def show(self) -> None:
        criteria = self.model.criteria
        header = w.HBox(
            [w.HTML("<b>Topic</b>", layout=w.Layout(width="220px"))]
            + [
                w.HTML(
                    f"<b title='{html.escape(c.label)}'>{html.escape(c.label)}</b>",
                    layout=w.Layout(width="130px"),
                )
                for c in criteria
            ]
        )
        scores = self.model.my_scores()
        rows: list[w.Widget] = [header]
        self.score_inputs.clear()
        for candidate_id, saved in self.model.candidates.items():
            cells: list[w.Widget] = [
                w.HTML(f"{html.escape(saved.record.title)}", layout=w.Layout(width="220px"))
            ]
            for criterion in criteria:
                value = scores.get(candidate_id, {}).get(criterion.key, NO_SCORE)
                box = classed(
                    w.Dropdown(
                        options=_SCORE_OPTIONS,
                        value=value,
                        tooltip=criterion.label,
                        layout=w.Layout(width="130px"),
                    ),
                    "kit-setup-score",
                    f"kit-setup-score-{criterion.key}",
                )
                box.observe(
                    lambda c, i=candidate_id, k=criterion.key: self._on_score(i, k, c["new"]),
                    names="value",
                )
                self.score_inputs[(candidate_id, criterion.key)] = box
                cells.append(box)
            rows.append(classed(w.HBox(cells), "kit-setup-ballot-row"))
        if not self.model.candidates:
            rows = [w.HTML("<p><i>No candidate topics yet.</i></p>")]
        self.ballot_rows.children = rows
        self.voter.value = self.model.voter
        self.voter.disabled = self.model.voter_fixed

    def _show_scores(self) -> None:
        scores = self.model.my_scores()
        for (candidate_id, key), box in self.score_inputs.items():
            box.value = scores.get(candidate_id, {}).get(key, NO_SCORE)

    @edit_handler
    def _on_voter_change(self, _change: dict) -> None:
        name = self.voter.value

        def load() -> None:
            if not name.strip():
                return
            if self.commit(lambda: self.model.use_ballot(name), self.voter_error):
                self.quietly(self._show_scores)
                self.page.results.show()
                self.page.save_state.set("idle")  # choosing a ballot saves nothing

        self.page.autosave("voter", load)

    @edit_handler
    def _on_score(self, candidate_id: str, key: str, value: int) -> None:
        self.page.flush()  # the name typed last decides whose ballot this is
        saved = self.commit(
            lambda: self.model.cast_vote(self.voter.value, candidate_id, key, value or None),
            self.voter_error,
            self.page.results.show,
        )
        if not saved:
            self.quietly(self._show_scores)
        elif not self.model.voter_fixed and self.model.ballot is not None:
            self._keep_name()

    def _keep_name(self) -> None:
        """The first score fixes the name for this sign-in, on this page and its next ones."""
        self.model.voter_fixed = True
        self.voter.disabled = True
        context = self.page.context
        if not context.identity.person:
            context.sign_in_as(context.identity.with_person(self.model.voter))
