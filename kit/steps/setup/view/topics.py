"""The vote's candidate topics and the weight of each criterion (facilitator)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from kit.steps.setup.view.section import Section, heading
from kit.ui.step import edit_handler
from kit.ui.widgets import classed, field_error, guarded

if TYPE_CHECKING:
    from kit.steps.setup.view import SetupView


#: the colour class of each readiness verdict of a topic (``kit.qi.topics``; the colours are
#: in kit-style.html): a borderline topic has its own, between ready and develop-first
VERDICT_CLASSES = {
    "ready": "kit-good",
    "borderline": "kit-borderline",
    "develop_first": "kit-weak",
    "no_votes": "kit-muted",
}


class TopicsSection(Section):
    """Candidate topics, renamed as they are typed, and the criteria's weights (0 to 10)."""

    def __init__(self, page: SetupView) -> None:
        super().__init__(page, "kit-setup-topics")
        self.candidate_rows = classed(w.VBox(), "kit-setup-candidates")
        self.candidate_error = field_error(self.candidate_rows)
        self.candidate_new = classed(
            w.Text(
                placeholder="A candidate topic, e.g. Sepsis recognition",
                layout=w.Layout(width="360px"),
            ),
            "kit-setup-candidate-new",
        )
        add = self.candidate_add_button = classed(
            w.Button(description="Add topic", icon="plus"), "kit-setup-candidate-add"
        )
        add.on_click(self._on_add_candidate)
        self.weight_inputs: dict[str, w.FloatText] = {}
        self.weight_errors: dict[str, w.HTML] = {}
        self.weight_rows = classed(w.VBox(), "kit-setup-weights")
        self.children = [
            heading(
                "Topic selection: candidates and criteria",
                "List the candidate topics, then say how much each criterion counts "
                "(weights 0 to 10; only their proportions matter).",
            ),
            self.candidate_rows,
            w.HBox([self.candidate_new, add, self.candidate_error]),
            w.HTML("<b>Criteria and weights</b>"),
            self.weight_rows,
        ]

    def show(self) -> None:
        self._show_candidates()
        self._show_weights()

    def _show_candidates(self) -> None:
        rows = []
        for candidate_id, saved in self.model.candidates.items():
            title = classed(
                w.Text(value=saved.record.title, layout=w.Layout(width="360px")),
                "kit-setup-candidate-title",
            )
            remove = classed(
                w.Button(description="Remove", icon="trash", layout=w.Layout(width="100px")),
                "kit-setup-candidate-remove",
            )
            title.observe(
                lambda c, i=candidate_id: self._on_rename_candidate(i, c["new"]), names="value"
            )
            remove.on_click(lambda _b, i=candidate_id: self._on_remove_candidate(i))
            rows.append(classed(w.HBox([title, remove]), "kit-setup-candidate"))
        self.candidate_rows.children = rows

    def _show_weights(self) -> None:
        rows = []
        self.weight_inputs.clear()
        self.weight_errors.clear()
        for criterion in self.model.criteria:
            box = classed(
                w.FloatText(
                    value=criterion.weight,
                    description=criterion.label,
                    layout=w.Layout(width="460px"),
                ),
                "kit-setup-weight",
                f"kit-setup-weight-{criterion.key}",
            )
            box.style.description_width = "320px"
            error = field_error(box)
            box.observe(lambda _c, k=criterion.key: self._on_weight_change(k), names="value")
            self.weight_inputs[criterion.key], self.weight_errors[criterion.key] = box, error
            rows.append(w.HBox([box, error]))
        self.weight_rows.children = rows

    def _after_topics_change(self) -> None:
        """A topic added or removed: the ballot's rows and the results change with it."""
        with self.page.quiet():
            self._show_candidates()
            self.page.ballot.show()
        self.page.results.show()

    @guarded()
    def _on_add_candidate(self, _button: w.Button) -> None:
        self.page.flush()
        title = self.candidate_new.value

        def refresh() -> None:
            with self.page.quiet():
                self.candidate_new.value = ""
            self._after_topics_change()

        self.commit(lambda: self.model.add_candidate(title), self.candidate_error, refresh)

    @edit_handler
    def _on_rename_candidate(self, candidate_id: str, title: str) -> None:
        def refresh() -> None:
            self.quietly(self.page.ballot.show)
            self.page.results.show()

        self.page.autosave(
            f"candidate-{candidate_id}",
            lambda: self.commit(
                lambda: self.model.rename_candidate(candidate_id, title),
                self.candidate_error,
                refresh,
            ),
        )

    @guarded()
    def _on_remove_candidate(self, candidate_id: str) -> None:
        self.page.flush()
        self.commit(
            lambda: self.model.remove_candidate(candidate_id),
            self.candidate_error,
            self._after_topics_change,
        )

    @edit_handler
    def _on_weight_change(self, key: str) -> None:
        box = self.weight_inputs[key]
        self.page.autosave(
            f"weight-{key}",
            lambda: self.commit(
                lambda: self.model.set_weight(key, box.value),
                self.weight_errors[key],
                self.page.results.show,
            ),
        )
