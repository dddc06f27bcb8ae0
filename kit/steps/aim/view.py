"""The aim builder: the elements of an aim, composed live into a sentence, with feedback.

Every input is a text box or a date picker; the model reads them (numbers included), so bad
input becomes a message beside the field. Each edit refreshes the sentence and the feedback
at once and is saved when typing pauses; the save state sits in the app's header. A
facilitator sees any team's aim, read-only.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from kit.content import aim_prompts
from kit.qi.aims import ELEMENT_LABELS, ELEMENTS, AimReview
from kit.steps.aim.model import FIELD_ELEMENTS, AimModel, Draft
from kit.ui.app import AppContext, AppShell, run
from kit.ui.comments import CommentsPanel
from kit.ui.step import StepView, edit_handler, model_for_team
from kit.ui.widgets import classed, field_error, guarded, set_field_error, wide

_STATUS = {
    "ok": ("✓", "Done"),
    "bolder": ("!", "Could be bolder"),
    "weak": ("!", "Needs work"),
    "missing": ("✗", "Missing"),
}
#: the colour of each status word (kit-style.html): a modest target is amber, not green
_STATUS_CLASS = {"bolder": "weak"}


def _finding_html(status: str, message: str) -> str:
    icon, word = _STATUS[status]
    return (
        f'<div class="kit-finding kit-finding-{_STATUS_CLASS.get(status, status)}">'
        f'<b aria-hidden="true">{icon}</b> <span class="kit-status-word">{word}: </span>'
        f"{html.escape(message)}</div>"
    )


def _summary_html(passes: bool, summary: str, css: str = "") -> str:
    """The one-line verdict on an aim, green when it passes, amber when it needs work."""
    verdict = "kit-good" if passes else "kit-weak"
    return f"<div class='kit-aim-verdict {verdict} {css}'>{html.escape(summary)}</div>"


def _review_html(review: AimReview, title: str = "") -> str:
    rows = "".join(
        f"<li><b>{html.escape(f.label)}</b>: {_finding_html(f.status, f.message)}</li>"
        for f in review.findings
    )
    head = f"<h4 class='kit-h-tight'>{html.escape(title)}</h4>" if title else ""
    verdict = _summary_html(review.passes, review.summary, "kit-aim-summary-text")
    return f"{head}{verdict}<ul class='kit-aim-findings'>{rows}</ul>"


def _findings(review: AimReview, errors: dict[str, str]) -> dict[str, tuple[str, str]]:
    """(status, message) per element: a field's own message replaces its element's verdict,
    so the feedback never says "Done" beside "too long", and a modest target is never
    "Done" while the same line asks for a bolder one."""
    shown = {}
    for finding in review.findings:
        status = finding.status
        if (
            finding.element == "how_much"
            and status == "ok"
            and review.stretch is not None
            and review.stretch.verdict == "modest"
        ):
            status = "bolder"
        shown[finding.element] = (status, finding.message)
    for name, message in errors.items():
        element = FIELD_ELEMENTS.get(name)
        if element is not None:
            shown[element] = ("weak", f"Not saved: {message}")
    return shown


class AimView(StepView[AimModel]):
    """The aim builder for one team, bound to an ``AimModel``."""

    css_class = "kit-aim"
    reloaded_message = "Reloaded the saved aim; make your changes again if needed."

    def __init__(self, context: AppContext, model: AimModel) -> None:
        super().__init__(context, model)
        self._history: dict[int, Any] = {}
        prompts = aim_prompts()
        self._prompts = prompts["elements"]

        # --- inputs -----------------------------------------------------------------
        def text(name: str, css: str, placeholder: str = "") -> w.Text:
            box = w.Text(placeholder=placeholder, layout=wide(), continuous_update=True)
            return classed(box, css)

        self.what = text("what", "kit-aim-what", "e.g. " + self._prompts["what"]["example"])
        self.for_whom = text(
            "for_whom", "kit-aim-for-whom", "e.g. " + self._prompts["for_whom"]["example"]
        )
        self.where = text("where", "kit-aim-where", "e.g. " + self._prompts["where"]["example"])
        self.measure = classed(
            w.Dropdown(options=[("(choose a measure)", "")], value="", layout=wide()),
            "kit-aim-measure",
        )
        self.baseline = classed(
            w.Text(placeholder="e.g. 4.1", layout=w.Layout(width="120px")), "kit-aim-baseline"
        )
        self.target = classed(
            w.Text(placeholder="e.g. 2.9", layout=w.Layout(width="120px")), "kit-aim-target"
        )
        self.unit = classed(
            w.Text(placeholder="e.g. %, days, falls per 1,000 patient-days", layout=wide()),
            "kit-aim-unit",
        )
        self.baseline_end = classed(w.DatePicker(), "kit-aim-baseline-end")
        self.by_when = classed(w.DatePicker(), "kit-aim-by-when")
        self.free_text = classed(
            w.Textarea(
                placeholder="Paste or type your aim as one sentence",
                layout=w.Layout(width="100%", height="80px"),
            ),
            "kit-aim-free-text",
        )
        self._inputs: dict[str, w.ValueWidget] = {
            "what": self.what,
            "for_whom": self.for_whom,
            "where": self.where,
            "measure_id": self.measure,
            "baseline": self.baseline,
            "target": self.target,
            "unit": self.unit,
            "baseline_period_end": self.baseline_end,
            "by_when": self.by_when,
            "free_text": self.free_text,
        }

        # --- messages ---------------------------------------------------------------
        self.errors = {
            name: classed(field_error(self._inputs[name]), f"kit-aim-error-{name}")
            for name in (
                "what",
                "for_whom",
                "where",
                "baseline",
                "target",
                "unit",
                "measure_id",
                "baseline_period_end",
                "by_when",
            )
        }
        self.errors["form"] = classed(field_error(self), "kit-aim-error-form")
        self.feedback = {
            element: classed(w.HTML(), f"kit-aim-feedback-{element.replace('_', '-')}")
            for element in ELEMENTS
        }
        self.stretch = classed(w.HTML(), "kit-aim-stretch")
        self.direction = classed(w.HTML(), "kit-aim-direction")
        self.sentence = classed(w.HTML(), "kit-aim-sentence")
        self.summary = classed(w.HTML(), "kit-aim-summary")
        self.collaborative = classed(w.HTML(), "kit-aim-collaborative")
        self.text_feedback = classed(w.HTML(), "kit-aim-text-feedback")
        self.readonly_note = classed(w.HTML(), "kit-aim-readonly")

        # --- buttons ----------------------------------------------------------------
        self.check_text_button = classed(
            w.Button(description="Check this aim", icon="check", layout=w.Layout(width="auto")),
            "kit-aim-check-text",
        )
        self.use_text_button = classed(
            w.Button(
                description="Fill the builder from it",
                icon="arrow-down",
                layout=w.Layout(width="auto"),
            ),
            "kit-aim-use-text",
        )
        self.history = classed(
            w.Select(options=[], rows=5, layout=w.Layout(width="100%")), "kit-aim-history"
        )
        self.history_preview = classed(w.HTML(), "kit-aim-history-preview")
        self.restore_button = classed(
            w.Button(
                description="Restore this version", icon="undo", layout=w.Layout(width="auto")
            ),
            "kit-aim-restore",
        )
        self.team_picker = classed(w.Dropdown(description="Team:", options=[]), "kit-aim-team")

        self.comments = CommentsPanel(self, "aim")  # faculty feedback (kit/ui/comments.py)

        # --- layout -----------------------------------------------------------------
        self.children = self._layout(prompts)

        # --- handlers ---------------------------------------------------------------
        for name, widget in self._inputs.items():
            if name == "free_text":
                widget.observe(self._on_free_text_change, names="value")
            elif name == "measure_id":
                widget.observe(self._on_measure_change, names="value")
            else:
                widget.observe(self._on_edit, names="value")
        self.check_text_button.on_click(self._on_check_text)
        self.use_text_button.on_click(self._on_use_text)
        self.history.observe(self._on_history_select, names="value")
        self.restore_button.on_click(self._on_restore)
        self.team_picker.observe(self.show_team, names="value")

        self.load()

    # --- building ---------------------------------------------------------------------

    def _element(self, element: str, inputs: list[w.Widget]) -> w.Widget:
        prompt = self._prompts[element]
        label = w.HTML(
            f"<div class='kit-aim-prompt'><b>{html.escape(prompt['label'])}</b><br>"
            f"<span class='kit-small kit-muted'>{html.escape(prompt['prompt'])}</span></div>"
        )
        row = w.HBox(
            [
                w.Box([label], layout=w.Layout(width="26%", padding="0 8px 0 0")),
                w.VBox(inputs, layout=w.Layout(width="40%")),
                w.Box(
                    [self.feedback[element]],
                    layout=w.Layout(width="34%", padding="0 0 0 10px"),
                ),
            ],
            layout=w.Layout(padding="6px 0"),
        )
        classed(row, "kit-row-divided", f"kit-aim-element-{element.replace('_', '-')}")
        return row

    def _layout(self, prompts: dict[str, Any]) -> list[w.Widget]:
        def labelled(text: str, widget: w.Widget, error: w.Widget | None = None) -> w.Widget:
            parts = [w.HTML(f"<span class='kit-small'>{html.escape(text)}</span>"), widget]
            if error is not None:
                parts.append(error)
            return w.VBox(parts, layout=w.Layout(margin="0 12px 0 0"))

        how_much = [
            labelled("Measure", self.measure, self.errors["measure_id"]),
            self.direction,
            w.HBox(
                [
                    labelled("Baseline", self.baseline, self.errors["baseline"]),
                    labelled("Target", self.target, self.errors["target"]),
                ],
            ),
            labelled("Unit", self.unit, self.errors["unit"]),
            labelled(
                "End of the baseline period",
                self.baseline_end,
                self.errors["baseline_period_end"],
            ),
            self.stretch,
        ]
        builder = w.VBox(
            [
                self._element("what", [self.what, self.errors["what"]]),
                self._element("for_whom", [self.for_whom, self.errors["for_whom"]]),
                self._element("where", [self.where, self.errors["where"]]),
                self._element("how_much", how_much),
                self._element("by_when", [self.by_when, self.errors["by_when"]]),
            ]
        )
        builder.add_class("kit-aim-builder")
        aim_box = w.VBox(
            [
                w.HTML("<h3 class='kit-h-tight'>Your aim</h3>"),
                self.sentence,
                self.summary,
                self.errors["form"],
            ],
            layout=w.Layout(width="62%", padding="8px 12px", margin="0 8px 0 0"),
        )
        classed(aim_box, "kit-panel")
        collab_box = w.VBox(
            [w.HTML("<h3 class='kit-h-tight'>The collaborative's aim</h3>"), self.collaborative],
            layout=w.Layout(width="38%", padding="8px 12px"),
        )
        classed(collab_box, "kit-panel-light")
        free_text = w.VBox(
            [
                w.HTML(
                    "<h3>Check an aim you wrote elsewhere</h3><p>Paste it here to get the same "
                    "feedback; then fill the builder from it if you like.</p>"
                ),
                self.free_text,
                w.HBox([self.check_text_button, self.use_text_button]),
                self.text_feedback,
            ]
        )
        free_text.add_class("kit-aim-free-text-section")
        history = w.VBox(
            [
                w.HTML(
                    "<h3>Earlier versions</h3><p>Every save is kept. Pick a version to see it, "
                    "and restore it if you want it back.</p>"
                ),
                self.history,
                self.history_preview,
                self.restore_button,
            ]
        )
        history.add_class("kit-aim-history-section")
        top: list[w.Widget] = [w.HTML(f"<p>{html.escape(prompts['intro'])}</p>")]
        if self.model.is_facilitator:
            top.append(w.HBox([self.team_picker, self.readonly_note]))
        top += [
            self.conflict,
            w.HBox([aim_box, collab_box], layout=w.Layout(align_items="stretch")),
            self.comments,
            builder,
            free_text,
            history,
        ]
        return top

    # --- showing the model ------------------------------------------------------------

    def show_model(self) -> None:
        """Fill every widget from the model (loaded from the store), then the feedback."""
        self._show_inputs()
        self.comments.show(self.model.team_id)
        self._refresh()
        self._refresh_text_feedback()
        self._refresh_history()

    def _show_inputs(self) -> None:
        if self.model.is_facilitator:
            teams = self.model.teams()
            self.team_picker.options = teams
            if self.model.team_id in {t[1] for t in teams}:
                self.team_picker.value = self.model.team_id
        self.collaborative.value = (
            f"<p>{html.escape(self.model.collaborative_aim() or 'Not written yet.')}</p>"
            "<p class='kit-small kit-muted'>Your team's aim should contribute to "
            "it; it can be bolder.</p>"
        )
        if self.model.team_id is None:
            self.sentence.value = "<p>Choose a team to see its aim.</p>"
            self._set_editable(False)
            return
        measures = self.model.measures()
        self.measure.options = [("(choose a measure)", "")] + [
            (m.name, m.id) for m in measures.values()
        ]
        for name, value in self.model.values().items():
            widget = self._inputs[name]
            if name == "measure_id" and value not in measures:
                value = ""  # a dropdown shows None as an empty box
            widget.value = value
        self._set_editable(self.model.can_edit)
        if self.model.is_facilitator:
            self.readonly_note.value = (
                f"<i>Viewing {html.escape(self.model.team_name())}'s aim as faculty "
                "(read-only).</i>"
            )

    def _set_editable(self, editable: bool) -> None:
        for widget in (
            *self._inputs.values(),
            self.use_text_button,
            self.restore_button,
        ):
            widget.disabled = not editable

    def _raw(self) -> dict[str, Any]:
        return {name: widget.value for name, widget in self._inputs.items()}

    def _refresh(self) -> Draft | None:
        """Recompose the sentence and every piece of feedback from what the form holds."""
        if self.model.team_id is None:
            return None
        draft = self.model.draft(self._raw())
        for name, line in self.errors.items():
            set_field_error(line, draft.errors.get(name))
        shown = draft.shown
        review = self.model.review(shown)
        sentence = html.escape(self.model.sentence(shown))
        self.sentence.value = f"<p class='kit-aim-sentence-text'>{sentence}</p>"
        self.summary.value = _summary_html(review.passes and draft.ok, review.summary)
        findings = _findings(review, draft.errors)
        for element, (status, message) in findings.items():
            self.feedback[element].value = _finding_html(status, message)
        if review.stretch is not None:
            verdict = review.stretch.verdict
            status = {"stretch": "ok", "modest": "bolder"}.get(verdict, "weak")
            self.stretch.value = (
                f"<b>Stretch check:</b> {_finding_html(status, review.stretch.message)}"
            )
        else:
            self.stretch.value = ""
        measure = self.model.measure(shown.measure_id)
        if measure is None:
            self.direction.value = (
                "<span class='kit-small kit-muted'>Pick the measure that will show "
                "the improvement; its direction (higher or lower is better) is checked "
                "against your target.</span>"
            )
        else:
            better = "Higher" if measure.direction == "up" else "Lower"
            self.direction.value = (
                f"<span class='kit-small'><b>{better} is better</b> for "
                f"'{html.escape(measure.name)}'"
                + (f" ({html.escape(measure.unit)})" if measure.unit else "")
                + ".</span>"
            )
        return draft

    def _refresh_text_feedback(self) -> AimReview | None:
        text = self.free_text.value.strip()
        if not text:
            self.text_feedback.value = ""
            return None
        review = self.model.review_text(text, self.measure.value)
        self.text_feedback.value = _review_html(review, "Feedback on the aim as written")
        return review

    def _refresh_history(self) -> None:
        entries = self.model.history() if self.model.team_id else []
        self._history = {e.version: e for e in entries}
        self.history.options = [(e.label, e.version) for e in entries]
        self.history.value = None
        self.history_preview.value = (
            "" if entries else "<i>No saved versions yet: your first edit will be the first.</i>"
        )

    # --- handlers -------------------------------------------------------------------------

    @edit_handler
    def _on_edit(self, _change: dict[str, Any]) -> None:
        self._refresh()
        if self.model.can_edit:
            self.autosave("aim", self._save_now)

    @edit_handler
    def _on_measure_change(self, change: dict[str, Any]) -> None:
        measure = self.model.measure(change["new"])
        if measure is not None and not self.unit.value.strip() and measure.unit:
            with self.quiet():
                self.unit.value = measure.unit
        self._on_edit(change)
        self._refresh_text_feedback()

    @edit_handler
    def _on_free_text_change(self, change: dict[str, Any]) -> None:
        self._refresh_text_feedback()
        self._on_edit(change)

    @guarded()
    def _on_check_text(self, _button: w.Button) -> None:
        if self._refresh_text_feedback() is None:
            self.text_feedback.value = _finding_html(
                "missing", "Paste or type an aim in the box first."
            )

    @guarded()
    def _on_use_text(self, _button: w.Button) -> None:
        review = self._refresh_text_feedback()
        if review is None or review.parts is None:
            self.text_feedback.value = _finding_html(
                "missing", "Paste or type an aim in the box first."
            )
            return
        parts = review.parts
        with self.quiet():
            if parts.what:
                self.what.value = parts.what
            if parts.for_whom:
                self.for_whom.value = parts.for_whom
            if parts.where:
                self.where.value = parts.where
            if parts.baseline is not None:
                self.baseline.value = f"{parts.baseline:g}"
            if parts.target is not None:
                self.target.value = f"{parts.target:g}"
            if parts.unit:
                self.unit.value = parts.unit
            if parts.by_when:
                self.by_when.value = parts.by_when
        self._on_edit({})
        self.alert.show("The builder now holds what we could read from your aim.", "info")

    def _save_now(self) -> None:
        """The autosave, when typing pauses: every field that can be saved is saved; one that
        cannot keeps its message and its text in the form, and its saved value in the store."""
        draft = self._refresh()
        if draft is None or not self.model.can_edit:
            return
        saved = self.commit(self._save_form, after=self._refresh_history)
        if saved and not draft.ok:
            fields = [
                name.replace("_", " ") if name != "form" else "the aim" for name in draft.errors
            ]
            self.save_state.set(
                "error",
                f"{', '.join(fields)} (fix the field marked in red; the rest is saved)",
            )

    def _save_form(self) -> None:
        """What ``commit`` runs, and runs again for "Keep mine": what can be saved of the form
        as it is now (a field with an error keeps its saved value)."""
        self.model.save(self.model.draft(self._raw()))

    @guarded()
    def _on_history_select(self, change: dict[str, Any]) -> None:
        entry = self._history.get(change["new"]) if change["new"] is not None else None
        self.history_preview.value = (
            ""
            if entry is None
            else f"<p><b>Version {entry.version}:</b> {html.escape(entry.summary)}</p>"
        )

    @guarded()
    def _on_restore(self, _button: w.Button) -> None:
        version = self.history.value
        if version is None:
            self.history_preview.value = _finding_html("missing", "Pick a version first.")
            return
        self.flush()
        if self.commit(lambda: self.model.restore(version), after=self.load):
            self.alert.show(
                f"Version {version} is your aim again (saved as version {self.model.version}).",
                "success",
            )


def build(context: AppContext) -> AimView:
    model = model_for_team(context, lambda team_id: AimModel(context.store, context.actor, team_id))
    return AimView(context, model)


def app(store=None, params: dict[str, str] | None = None) -> AppShell:
    """The aim builder; ``params`` stands in for the page's query string in tests."""
    shell = AppShell("Aim", build, audience="team", store=store, css_name="aim")
    if params is not None:
        return shell.start(params)
    return run(shell)


__all__ = ["AimView", "ELEMENT_LABELS", "app", "build"]
