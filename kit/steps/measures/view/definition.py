"""The operational-definition form of the selected measure, with why it is still ambiguous."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from kit.qi.definitions import DEFINITION_FIELDS
from kit.steps.measures.model import CHARTS, KINDS, TEXT_FIELDS, DefinitionDraft
from kit.steps.measures.view.part import Part
from kit.ui.step import edit_handler
from kit.ui.widgets import SharedLook, classed, field_error, set_field_error, wide

_PLACEHOLDERS = {
    "numerator": "What exactly is counted, e.g. every unplanned descent to the floor",
    "denominator": "What it is counted against, e.g. patient-days in the same month",
    "inclusions": "Who or what is counted, e.g. adult inpatients on Ward 7",
    "exclusions": "Who or what is left out, or 'none'",
    "data_source": "Where the numbers come from, e.g. incident reports; bed census",
    "sampling": "All cases, or how a sample is drawn (e.g. 20 notes a month, every 5th)",
}
_SEVERITY = {"missing": "kit-finding-missing", "ambiguous": "kit-finding-weak"}


class DefinitionPart(Part):
    """The form: every element of an operational definition, reviewed as it is typed."""

    def __init__(self, page: Any) -> None:
        super().__init__(page, "kit-measures-definition")
        self.inputs: dict[str, w.ValueWidget] = {
            "name": w.Text(layout=wide()),
            "measure_kind": w.Dropdown(options=[(t.split(":")[0], k) for k, t in KINDS.items()]),
        }
        # the form's rows share their layouts and label styles: none changes its look after
        # this, and each layout of its own is one more model for the page to build
        look = SharedLook()
        area = look.layout(width="100%", height="52px")
        short = look.layout(width="110px")
        for name in TEXT_FIELDS:
            self.inputs[name] = w.Textarea(placeholder=_PLACEHOLDERS[name], layout=area)
        self.inputs.update(
            has_denominator=w.Checkbox(description="Reported as numerator and denominator"),
            frequency=w.Dropdown(
                options=[("Monthly", "monthly"), ("Weekly", "weekly"), ("Quarterly", "quarterly")]
            ),
            direction=w.Dropdown(options=[("Lower is better", "down"), ("Higher is better", "up")]),
            chart=w.Dropdown(options=[(text, key) for key, text in CHARTS.items()]),
            unit=w.Text(placeholder="e.g. % of sampled patients; falls per 1,000 patient-days"),
            multiply=w.Text(placeholder="1, 100 or 1000", layout=short),
            baseline=w.Text(placeholder="e.g. 4.1", layout=short),
            target=w.Text(placeholder="e.g. 2.9", layout=short),
        )
        for name, widget in self.inputs.items():
            classed(widget, f"kit-measures-def-{name.replace('_', '-')}")
            widget.observe(self._on_edit, names="value")
        self.errors = {
            name: classed(
                field_error(self.inputs.get(name, self)), f"kit-measures-def-error-{name}"
            )
            for name in ("name", "baseline", "target", "multiply", "form")
        }
        self.notes = {
            name: look.html("", f"kit-measures-def-note-{name.replace('_', '-')}")
            for name in DEFINITION_FIELDS
        }
        self.review = classed(w.HTML(), "kit-measures-review")
        self.source = classed(w.HTML(), "kit-measures-def-source")
        self.readonly = classed(w.HTML(), "kit-measures-def-readonly")
        self.title = w.HTML()
        labels = {"name": "Measure name", "measure_kind": "Kind of measure", **DEFINITION_FIELDS}
        labels["has_denominator"] = "Reported as"
        labels["chart"] = "Chart"

        def row(name: str) -> w.Widget:
            parts: list[w.Widget] = [self.inputs[name]]
            if name in self.errors:
                parts.append(self.errors[name])
            if name in self.notes:
                parts.append(self.notes[name])
            box = w.HBox(
                [
                    look.html(f"<b class='kit-small'>{html.escape(labels[name])}</b>", width="24%"),
                    w.VBox(parts, layout=look.layout(width="76%")),
                ],
                layout=look.layout(padding="3px 0"),
            )
            return classed(box, "kit-row-divided")

        order = ["name", "measure_kind", *TEXT_FIELDS, "has_denominator", "frequency",
                 "direction", "chart", "unit", "multiply", "baseline", "target"]  # fmt: skip
        form = w.VBox([row(n) for n in order], layout=w.Layout(width="62%"))
        side = w.VBox(
            [w.HTML("<h4 class='kit-h-tight'>Is the definition clear?</h4>"), self.review],
            layout=w.Layout(width="38%", padding="0 0 0 12px"),
        )
        self.children = [
            self.title,
            self.readonly,
            self.source,
            w.HBox([form, side]),
            self.errors["form"],
        ]

    # --- showing ------------------------------------------------------------------------

    def show(self) -> None:
        if self.model.selected_id is None:
            self.title.value = "<h3>Operational definition</h3><p>Add a measure first.</p>"
            self.layout.display = "none"
            return
        self.layout.display = "flex"
        measure = self.model.measure()
        for name, value in self.model.form_values().items():
            self.inputs[name].value = value
        editable = self.model.can_edit(measure)
        for widget in self.inputs.values():
            widget.disabled = not editable
        self.title.value = (
            f"<h3 class='kit-heading'>Operational definition: {html.escape(measure.name)}</h3>"
            "<p class='kit-small kit-muted'>Two people counting the same ward in the same month "
            "should get the same number (IHI, Science of Improvement: Establishing Measures). "
            "Changes are saved as you type.</p>"
        )
        if editable:
            self.readonly.value = ""
        elif measure.team_id is None and not self.model.is_facilitator:
            self.readonly.value = (
                "<p class='kit-small'><i>A core measure of the collaborative: every team "
                "reports it as the facilitator defined it, so it cannot be changed or removed "
                "here.</i></p>"
            )
        else:
            self.readonly.value = (
                "<p class='kit-small'><i>Read-only: the team's own measure.</i></p>"
            )
        entry = next((e for e in self.model.library() if e.key == measure.library_key), None)
        self.source.value = (
            f"<p class='kit-small kit-muted'>Adopted from the measure library. Source: "
            f"{html.escape(entry.source)}</p>"
            if entry
            else ""
        )
        self._refresh()

    def _raw(self) -> dict[str, Any]:
        return {name: widget.value for name, widget in self.inputs.items()}

    def _refresh(self) -> DefinitionDraft:
        draft = self.model.draft(self._raw())
        for name, line in self.errors.items():
            set_field_error(line, draft.errors.get(name))
        findings = self.model.review(draft.measure)
        by_field: dict[str, list[str]] = {}
        for f in findings:
            by_field.setdefault(f.field or "", []).append(f.message)
        for name, line in self.notes.items():
            messages = by_field.get(name, [])
            line.value = "".join(
                f"<div class='kit-small kit-finding-weak'>{html.escape(m)}</div>" for m in messages
            )
        if findings:
            items = "".join(
                f"<li class='{_SEVERITY.get(f.severity, 'kit-muted')}'>"
                f"<b>{html.escape(DEFINITION_FIELDS.get(f.field or '', 'Measure'))}:</b> "
                f"{html.escape(f.message)}</li>"
                for f in findings
            )
            self.review.value = (
                f"<p class='kit-weak'>{len(findings)} thing{'s' if len(findings) != 1 else ''} "
                f"to settle</p><ul class='kit-measures-findings'>{items}</ul>"
            )
        else:
            kind = self.model.kind_of_data(draft.measure)
            self.review.value = (
                f"<p class='kit-good'>Clear: every element is defined (a {kind} measure).</p>"
            )
        return draft

    # --- handlers -----------------------------------------------------------------------

    @edit_handler
    def _on_edit(self, _change: dict[str, Any]) -> None:
        draft = self._refresh()
        if not self.model.can_edit(self.model.measure()):
            return
        if not draft.ok:
            self.page.save_state.set("error", "fix the field marked in red")
            return
        measure_id = self.model.selected_id
        self.page.autosave(f"definition-{measure_id}", lambda: self._save(measure_id))

    def _save(self, measure_id: str | None) -> None:
        if measure_id != self.model.selected_id:
            return  # the person moved to another measure before typing paused
        self.page.commit(
            lambda: self.model.save_definition(self.model.draft(self._raw())),
            error_line=self.errors["form"],
            after=self.page.show_family,
        )
