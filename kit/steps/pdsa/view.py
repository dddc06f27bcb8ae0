"""The PDSA app: plan a cycle from a change idea, record Do, Study and Act, see the ramps.

The plan is saved as the participant types (the base's autosave); Do, Study and Act are
saved by their buttons, and the model refuses a step taken too early in words (no Do without
a prediction, no Act without a Study). "Adapt" opens the next cycle of the ramp, prefilled
and linked to the one before. A facilitator sees any team's cycles, read-only.
"""

from __future__ import annotations

import functools
import html
from typing import Any

import ipywidgets as w

from kit.qi.pdsa import SCALES, Ramp, scale_label, stage
from kit.steps.pdsa.model import STAGE_LABELS, PDSAModel, describe
from kit.ui.app import AppContext, AppShell, run
from kit.ui.step import StepView, edit_handler, model_for_team
from kit.ui.widgets import classed, field_error, guarded, set_field_error, wide

_TEXT_FIELDS = {
    "objective": ("Objective", "What is this cycle for?"),
    "questions": ("Questions", "What should the test answer?"),
    "prediction": ("Prediction", "What do you predict will happen? Something you can check."),
    "plan_who": ("Who", "Who will carry out the test?"),
    "plan_what": ("What", "What exactly will be done?"),
    "plan_when": ("When", "e.g. Tuesday's early shift"),
    "plan_where": ("Where", "e.g. bays 1-4 of Ward 7"),
    "data_plan": ("Data to collect", "What will you count or ask, and who records it?"),
}
_ACT_WORDS = {
    "adopt": "Adopt: keep the change, test it at a larger scale or make it standard",
    "adapt": "Adapt: change it and test again (starts the next cycle)",
    "abandon": "Abandon: stop testing this change",
}


def ramp_html(ramps: list[Ramp]) -> str:
    """Each change idea's cycles left to right in time, with their scale and stage."""
    if not ramps:
        return "<p><i>No cycles yet: plan your first test of a change idea below.</i></p>"
    rows = []
    for ramp in ramps:
        cells = []
        for step in ramp.steps:
            when = f"{step.start:%d %b %Y}" if step.start else "not dated"
            act = f" · {html.escape(step.act)}" if step.act else ""
            rank = step.scale_rank if step.scale_rank is not None else 0
            cells.append(
                f"<td class='kit-pdsa-ramp-step kit-pdsa-stage-{step.stage}' "
                f"style='vertical-align:bottom'><div style='border-left:4px solid #2b6cb0;"
                f"padding:2px 6px;margin-top:{max(0, 8 - rank) * 3}px'>"
                f"<b>{html.escape(step.title)}</b><br><span class='kit-small'>{when} · "
                f"{html.escape(step.scale_label)} · {STAGE_LABELS[step.stage]}{act}</span>"
                "</div></td>"
            )
        grew = " <span class='kit-small kit-good'>(grew in scale)</span>" if ramp.grew else ""
        rows.append(
            f"<tr class='kit-pdsa-ramp'><th style='text-align:left;vertical-align:top;"
            f"width:22%'>{html.escape(ramp.label)}{grew}</th>{''.join(cells)}</tr>"
        )
    return (
        "<table class='kit-pdsa-ramp-table' style='border-collapse:separate;"
        f"border-spacing:6px'>{''.join(rows)}</table>"
    )


class PDSAView(StepView[PDSAModel]):
    """One team's PDSA cycles, bound to a ``PDSAModel``."""

    css_class = "kit-pdsa"
    reloaded_message = "Reloaded the saved cycle; make your changes again if needed."

    def __init__(self, context: AppContext, model: PDSAModel) -> None:
        super().__init__(context, model)
        self.team_picker = classed(w.Dropdown(description="Team:", options=[]), "kit-pdsa-team")
        self.readonly_note = classed(w.HTML(), "kit-pdsa-readonly")
        self.ramp = classed(w.HTML(), "kit-pdsa-ramps")
        self.cycle_picker = classed(w.Dropdown(options=[], layout=wide()), "kit-pdsa-cycle-picker")
        self.new_idea = classed(w.Dropdown(options=[], layout=wide()), "kit-pdsa-new-idea")
        self.new_title = classed(
            w.Text(placeholder="Title (optional: the change idea's text)", layout=wide()),
            "kit-pdsa-new-title",
        )
        self.new_button = classed(
            w.Button(description="Plan a new cycle", icon="plus", button_style="primary"),
            "kit-pdsa-new",
        )
        self.new_error = classed(field_error(self.new_button), "kit-pdsa-new-error")
        self.stage_line = classed(w.HTML(), "kit-pdsa-stage")
        self.previous_line = classed(w.HTML(), "kit-pdsa-previous")

        # --- Plan -------------------------------------------------------------------
        self.title = classed(w.Text(layout=wide()), "kit-pdsa-title")
        self.change_idea = classed(w.Dropdown(options=[], layout=wide()), "kit-pdsa-change-idea")
        self.texts = {
            name: classed(
                w.Textarea(placeholder=hint, layout=w.Layout(width="100%", height="52px")),
                f"kit-pdsa-{name.replace('_', '-')}",
            )
            for name, (_label, hint) in _TEXT_FIELDS.items()
        }
        self.measure_links = classed(
            w.SelectMultiple(options=[], rows=4, layout=wide()), "kit-pdsa-measures"
        )
        self.scale = classed(
            w.Dropdown(options=[("(choose a scale)", ""), *((v, k) for k, v in SCALES.items())]),
            "kit-pdsa-scale",
        )
        self.start = classed(w.DatePicker(), "kit-pdsa-start")
        self.end = classed(w.DatePicker(), "kit-pdsa-end")
        self.plan_error = classed(field_error(self.title), "kit-pdsa-plan-error")
        self.plan_check = classed(w.HTML(), "kit-pdsa-plan-check")
        self._plan_inputs: dict[str, w.ValueWidget] = {
            "title": self.title,
            "change_idea_id": self.change_idea,
            **self.texts,
            "measure_ids": self.measure_links,
            "scale": self.scale,
            "start": self.start,
            "end": self.end,
        }

        # --- Do, Study, Act ---------------------------------------------------------
        def notes(css: str, hint: str) -> w.Textarea:
            return classed(
                w.Textarea(placeholder=hint, layout=w.Layout(width="100%", height="64px")), css
            )

        self.do_notes = notes("kit-pdsa-do-notes", "What happened? Include surprises.")
        self.do_button = classed(w.Button(description="Record Do", icon="play"), "kit-pdsa-do")
        self.do_error = classed(field_error(self.do_button), "kit-pdsa-do-error")
        self.study_notes = notes(
            "kit-pdsa-study-notes",
            "Compare the result with the prediction: what matched, what not?",
        )
        self.held = classed(
            w.ToggleButtons(options=[("Yes", "yes"), ("Partly", "partly"), ("No", "no")]),
            "kit-pdsa-held",
        )
        self.study_button = classed(
            w.Button(description="Record Study", icon="search"), "kit-pdsa-study"
        )
        self.study_error = classed(field_error(self.study_button), "kit-pdsa-study-error")
        self.decision = classed(
            w.RadioButtons(options=[(v, k) for k, v in _ACT_WORDS.items()], layout=wide()),
            "kit-pdsa-decision",
        )
        self.act_notes = notes("kit-pdsa-act-notes", "What will you change or do next?")
        self.act_button = classed(w.Button(description="Record Act", icon="check"), "kit-pdsa-act")
        self.act_error = classed(field_error(self.act_button), "kit-pdsa-act-error")
        self.history = classed(w.Select(options=[], rows=4, layout=wide()), "kit-pdsa-history")

        self.children = self._layout()

        #: the plan fields typed since the last save: a save (and "Keep mine" after a
        #: conflict) writes only these, so a teammate's other fields are kept
        self._edited: set[str] = set()
        for name, widget in self._plan_inputs.items():
            widget.observe(functools.partial(self._on_plan_edit, name), names="value")
        self.cycle_picker.observe(self._on_pick_cycle, names="value")
        self.team_picker.observe(self.show_team, names="value")
        self.new_button.on_click(self._on_new)
        self.do_button.on_click(self._on_do)
        self.study_button.on_click(self._on_study)
        self.act_button.on_click(self._on_act)
        self.load()

    # --- building ---------------------------------------------------------------------

    def _layout(self) -> list[w.Widget]:
        def labelled(text: str, widget: w.Widget, *more: w.Widget) -> w.Widget:
            return w.VBox([w.HTML(f"<b class='kit-small'>{html.escape(text)}</b>"), widget, *more])

        def section(title: str, intro: str, *parts: w.Widget, css: str) -> w.Widget:
            box = w.VBox(
                [
                    w.HTML(f"<h3 class='kit-h-tight'>{title}</h3><p class='kit-small'>{intro}</p>"),
                    *parts,
                ],
                layout=w.Layout(padding="6px 10px", margin="6px 0"),
            )
            return classed(box, "kit-panel-light", css)

        plan = section(
            "Plan",
            "State the objective, the questions and a prediction, and who, what, when and "
            "where. Saved as you type.",
            labelled("Title", self.title, self.plan_error),
            labelled("Change idea (from your driver diagram)", self.change_idea),
            *(labelled(label, self.texts[name]) for name, (label, _h) in _TEXT_FIELDS.items()),
            labelled("Linked measures (their charts show this cycle)", self.measure_links),
            w.HBox(
                [
                    labelled("Scale", self.scale),
                    labelled("Start", self.start),
                    labelled("End", self.end),
                ]
            ),
            self.plan_check,
            css="kit-pdsa-plan-section",
        )
        do = section(
            "Do",
            "Run the test and write what happened.",
            self.do_notes,
            w.HBox([self.do_button, self.do_error]),
            css="kit-pdsa-do-section",
        )
        study = section(
            "Study",
            "Compare what happened with your prediction.",
            self.study_notes,
            labelled("Did the result match the prediction?", self.held),
            w.HBox([self.study_button, self.study_error]),
            css="kit-pdsa-study-section",
        )
        act = section(
            "Act",
            "Decide, from the Study, what to do with the change.",
            self.decision,
            self.act_notes,
            w.HBox([self.act_button, self.act_error]),
            css="kit-pdsa-act-section",
        )
        new = w.VBox(
            [
                w.HTML("<h3 class='kit-h-tight'>Plan a new cycle</h3>"),
                labelled("Change idea to test", self.new_idea),
                self.new_title,
                w.HBox([self.new_button, self.new_error]),
            ]
        )
        top: list[w.Widget] = []
        if self.model.is_facilitator:
            top.append(w.HBox([self.team_picker, self.readonly_note]))
        return [
            *top,
            self.conflict,
            w.HTML("<h3 class='kit-h-tight'>Your ramps of tests</h3>"),
            self.ramp,
            new,
            w.HTML("<h3>The cycle</h3>"),
            labelled("Cycle", self.cycle_picker),
            self.stage_line,
            self.previous_line,
            plan,
            do,
            study,
            act,
            labelled("Earlier versions of this cycle (every save is kept)", self.history),
        ]

    # --- showing the model ------------------------------------------------------------

    def show_model(self) -> None:
        self._edited.clear()
        model = self.model
        if model.is_facilitator:
            teams = model.teams()
            self.team_picker.options = teams
            if model.team_id in {t[1] for t in teams}:
                self.team_picker.value = model.team_id
            self.readonly_note.value = (
                f"<i>Viewing {html.escape(model.team_name())}'s cycles as faculty (read-only).</i>"
            )
        ideas = [(i.text, i.id) for i in model.change_ideas()]
        self.new_idea.options = ideas + [("(not linked to a change idea)", "")]
        self.change_idea.options = [("(not linked to a change idea)", ""), *ideas]
        self.measure_links.options = [(m.name, m.id) for m in model.measures().values()]
        self.ramp.value = ramp_html(model.ramps())
        self.cycle_picker.options = [(describe(c), c.id) for c in model.cycles()]
        self._show_cycle()

    def _show_cycle(self) -> None:
        cycle = self.model.cycle
        editable = self.model.can_edit and cycle is not None
        for widget in (
            *self._plan_inputs.values(),
            self.do_notes,
            self.study_notes,
            self.held,
            self.decision,
            self.act_notes,
            self.do_button,
            self.study_button,
            self.act_button,
        ):
            widget.disabled = not editable
        self.new_button.disabled = not self.model.can_edit
        for line in (self.plan_error, self.do_error, self.study_error, self.act_error):
            set_field_error(line, None)
        if cycle is None:
            self.stage_line.value = "<p><i>No cycle yet.</i></p>"
            self.history.options = []
            return
        self.cycle_picker.value = cycle.id
        values = self.model.plan_values()
        ideas = {v for _l, v in self.change_idea.options}
        values["change_idea_id"] = (
            values["change_idea_id"] if values["change_idea_id"] in ideas else ""
        )
        measures = {v for _l, v in self.measure_links.options}
        values["measure_ids"] = tuple(m for m in values["measure_ids"] if m in measures)
        scales = {v for _l, v in self.scale.options}
        if values["scale"] not in scales:
            self.scale.options = [
                *self.scale.options,
                (scale_label(values["scale"]), values["scale"]),
            ]
        for name, value in values.items():
            self._plan_inputs[name].value = value
        self.do_notes.value = cycle.do_notes
        self.study_notes.value = cycle.study_notes
        self.held.value = cycle.prediction_held
        self.decision.value = cycle.act
        self.act_notes.value = cycle.act_notes
        self._show_stage()
        previous = self.model.previous()
        self.previous_line.value = (
            f"<p class='kit-small'>Follows <b>{html.escape(previous.title)}</b> "
            f"({html.escape(previous.act or '')}: {html.escape(previous.act_notes)}).</p>"
            if previous is not None
            else ""
        )
        self.history.options = [(e.label, e.version) for e in self.model.history()]

    def _show_stage(self) -> None:
        cycle = self.model.cycle
        if cycle is None:
            return
        now = stage(cycle)
        steps = " → ".join(
            f"<b>{label}</b>" if key == now else label for key, label in STAGE_LABELS.items()
        )
        self.stage_line.value = (
            f"<p class='kit-pdsa-stage-text'>Stage: {steps} "
            f"<span class='kit-pdsa-now'>(now at {STAGE_LABELS[now]})</span></p>"
        )
        findings = self.model.plan_findings()
        self.plan_check.value = (
            "<ul class='kit-small'>"
            + "".join(f"<li>{html.escape(f.message)}</li>" for f in findings)
            + "</ul>"
            if findings
            else "<p class='kit-small kit-good'>The plan is complete.</p>"
        )

    def _refresh_lists(self) -> None:
        """After a save: the ramps, the cycle list and the stage, without touching inputs."""
        with self.quiet():
            self.ramp.value = ramp_html(self.model.ramps())
            self.cycle_picker.options = [(describe(c), c.id) for c in self.model.cycles()]
            if self.model.cycle is not None:
                self.cycle_picker.value = self.model.cycle.id
            self._show_stage()
            self.history.options = [(e.label, e.version) for e in self.model.history()]

    # --- handlers -------------------------------------------------------------------------

    def _plan_raw(self) -> dict[str, Any]:
        return {name: self._plan_inputs[name].value for name in self._edited}

    @edit_handler
    def _on_plan_edit(self, name: str, _change: dict[str, Any]) -> None:
        if self.model.can_edit and self.model.cycle is not None:
            self._edited.add(name)
            self.autosave("plan", self._save_plan)

    def _save_plan(self) -> None:
        self.commit(
            lambda: self.model.save_plan(self._plan_raw()),
            error_line=self.plan_error,
            after=self._after_plan_saved,
        )

    def _after_plan_saved(self) -> None:
        self._edited.clear()
        self._refresh_lists()

    def _step(self, action: Any, error_line: w.HTML) -> bool:
        """Save the plan waiting to be saved, then one of Do, Study or Act."""
        self.flush()
        return self.commit(action, error_line=error_line, after=self._refresh_lists)

    @guarded()
    def _on_do(self, _button: w.Button) -> None:
        if self._step(lambda: self.model.do(self.do_notes.value), self.do_error):
            self.alert.show("Do recorded. Now study the result against your prediction.", "success")

    @guarded()
    def _on_study(self, _button: w.Button) -> None:
        action = lambda: self.model.study(self.study_notes.value, self.held.value)  # noqa: E731
        if self._step(action, self.study_error):
            self.alert.show("Study recorded. Now decide: adopt, adapt or abandon.", "success")

    @guarded()
    def _on_act(self, _button: w.Button) -> None:
        started: list[Any] = []
        decision, notes = self.decision.value, self.act_notes.value

        def act() -> None:
            started[:] = [self.model.act(decision, notes)]

        if not self._step(act, self.act_error):
            return
        following = started[0] if started else None
        if following is not None:
            self.load()
            self.alert.show(
                f"Next cycle of the ramp planned: '{following.title}'. Write its prediction "
                "before you run it.",
                "success",
            )
        else:
            self.alert.show(f"Decision recorded: {decision}.", "success")

    @edit_handler
    def _on_pick_cycle(self, change: dict[str, Any]) -> None:
        if not change["new"] or (self.model.cycle and change["new"] == self.model.cycle.id):
            return
        self.flush()
        self.model.select(change["new"])
        self.load()

    @guarded()
    def _on_new(self, _button: w.Button) -> None:
        self.flush()
        idea, title = self.new_idea.value, self.new_title.value
        if self.commit(
            lambda: self.model.plan_new(idea, title), error_line=self.new_error, after=self.load
        ):
            with self.quiet():
                self.new_title.value = ""
            self.alert.show("New cycle planned: write its prediction before you run it.", "info")


def build(context: AppContext) -> PDSAView:
    model = model_for_team(
        context, lambda team_id: PDSAModel(context.store, context.actor, team_id)
    )
    return PDSAView(context, model)


def app(store: Any = None, params: dict[str, str] | None = None) -> AppShell:
    """The PDSA app; ``params`` stands in for the page's query string in tests."""
    shell = AppShell("PDSA cycles", build, audience="team", store=store, css_name="pdsa")
    if params is not None:
        return shell.start(params)
    return run(shell)


__all__ = ["PDSAView", "app", "build", "ramp_html"]
