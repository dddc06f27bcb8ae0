"""The family of measures: the list by kind, the advice on it, the library and new measures."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from kit.content import load
from kit.qi.family import KIND_LABELS
from kit.steps.measures.model import KINDS
from kit.steps.measures.view.part import Part, advice_html, heading
from kit.ui.step import edit_handler
from kit.ui.widgets import classed, guarded, wide


def _library_options(model: Any) -> list[tuple[str, str]]:
    options = [("(choose a measure from the library)", "")]
    for entry in model.library():
        options.append((f"{entry.topic_name} · {entry.measure_kind} · {entry.name}", entry.key))
    return options


class FamilyPart(Part):
    """The team's family: core measures first, then the team's own, with advice and adding."""

    def __init__(self, page: Any) -> None:
        super().__init__(page, "kit-measures-family-section")
        self.table = classed(w.HTML(), "kit-measures-family")
        self.warnings = classed(w.HTML(), "kit-measures-family-warnings")
        self.selector = classed(
            w.Dropdown(description="Measure:", options=[], layout=w.Layout(width="75%")),
            "kit-measures-select",
        )
        self.library = classed(
            w.Dropdown(options=_library_options(self.model), value="", layout=wide()),
            "kit-measures-library",
        )
        self.library_detail = classed(w.HTML(), "kit-measures-library-detail")
        self.adopt_button = classed(
            w.Button(description="Adopt this measure", icon="plus", layout=w.Layout(width="auto")),
            "kit-measures-adopt",
        )
        self.new_name = classed(
            w.Text(
                placeholder="e.g. Toileting rounds done as planned", layout=w.Layout(width="50%")
            ),
            "kit-measures-new-name",
        )
        self.new_kind = classed(
            w.Dropdown(options=[(text, key) for key, text in KINDS.items()], value="process"),
            "kit-measures-new-kind",
        )
        self.add_button = classed(
            w.Button(description="Add this measure", icon="plus", layout=w.Layout(width="auto")),
            "kit-measures-add",
        )
        self.remove_button = classed(
            w.Button(
                description="Remove this measure", icon="trash", layout=w.Layout(width="auto")
            ),
            "kit-measures-remove",
        )
        self._remove_armed: str | None = None
        whose = (
            "core measures, which every team gets" if self.model.is_facilitator else "your family"
        )
        source = " ".join(str(load("measure_library").get("source_note", "")).split())
        self.adding = w.VBox(
            [
                heading(
                    "Adopt a measure from the library",
                    f"Each definition names its source; adopting adds it to {whose}, and you "
                    f"then adapt it to your setting in the form below. {source}",
                ),
                self.library,
                self.library_detail,
                w.HBox([self.adopt_button]),
                heading(
                    "Or start a new core measure"
                    if self.model.is_facilitator
                    else "Or start a measure of your own"
                ),
                w.HBox([self.new_name, self.new_kind, self.add_button]),
            ]
        )
        classed(self.adding, "kit-measures-adding")
        self.children = [
            heading(
                "Your family of measures",
                "Outcome, process and balancing measures together answer 'how will we know "
                "that a change is an improvement?' (Provost & Murray, The Health Care Data "
                "Guide, 2011). Core measures are set by the facilitator for every team.",
            ),
            self.table,
            self.warnings,
            w.HBox([self.selector, self.remove_button]),
            self.adding,
        ]
        self.selector.observe(self._on_select, names="value")
        self.library.observe(self._on_library_pick, names="value")
        self.adopt_button.on_click(self._on_adopt)
        self.add_button.on_click(self._on_add)
        self.remove_button.on_click(self._on_remove)

    # --- showing ------------------------------------------------------------------------

    def show(self) -> None:
        family = self.model.family()
        rows = []
        for kind in KIND_LABELS:
            for m in family.of_kind(kind):
                whose = "core" if m.team_id is None else "own"
                badge = "Core (set by the facilitator)" if whose == "core" else "Your team's"
                rows.append(
                    f"<tr class='kit-measures-family-row kit-measures-{whose}'>"
                    f"<td>{html.escape(kind.capitalize())}</td>"
                    f"<td>{html.escape(m.name)}</td><td>{html.escape(m.unit)}</td>"
                    f"<td class='kit-small'>{badge}</td></tr>"
                )
        if rows:
            self.table.value = (
                "<table class='kit-table'><tr><th>Kind</th><th>Measure</th><th>Unit</th>"
                f"<th>Set by</th></tr>{''.join(rows)}</table>"
            )
        else:
            self.table.value = "<p><i>No measures yet.</i></p>"
        findings = self.model.family_findings()
        self.warnings.value = advice_html([f.message for f in findings])
        self.selector.options = [(f"{m.measure_kind}: {m.name}", m.id) for m in family.measures]
        self.selector.value = self.model.selected_id
        self._remove_armed = None
        self.remove_button.description = "Remove this measure"
        self._set_enabled()

    def _set_enabled(self) -> None:
        can_add = self.model.is_facilitator or self.model.can_edit_team
        for widget in (
            self.library,
            self.adopt_button,
            self.new_name,
            self.new_kind,
            self.add_button,
        ):
            widget.disabled = not can_add
        selected = self.model.selected_id
        self.remove_button.disabled = not (
            selected and self.model.can_edit(self.model.measure(selected))
        )

    def _after_change(self) -> None:
        self.page.load()

    # --- handlers -----------------------------------------------------------------------

    @edit_handler
    def _on_select(self, change: dict[str, Any]) -> None:
        if not change["new"] or change["new"] == self.model.selected_id:
            return
        self.page.flush()
        self.model.select(change["new"])
        self.page.load()

    @guarded()
    def _on_library_pick(self, change: dict[str, Any]) -> None:
        key = change["new"]
        if not key:
            self.library_detail.value = ""
            return
        entry = next(e for e in self.model.library() if e.key == key)
        definition = entry.fields.get("definition") or {}
        typical = (
            f"<p class='kit-small'><b>Typical:</b> {html.escape(entry.typical)}</p>"
            if entry.typical
            else ""
        )
        self.library_detail.value = (
            f"<div class='kit-panel-light kit-small'><p><b>{html.escape(entry.name)}</b> "
            f"({html.escape(entry.measure_kind)}, {html.escape(str(entry.fields.get('unit', '')))})"
            f"</p><p><b>Numerator:</b> {html.escape(str(definition.get('numerator', '')))}</p>"
            f"<p><b>Denominator:</b> {html.escape(str(definition.get('denominator', '')) or '-')}"
            f"</p><p class='kit-muted'><b>Source:</b> {html.escape(entry.source)}</p>{typical}</div>"
        )

    @guarded()
    def _on_adopt(self, _button: w.Button) -> None:
        key = self.library.value
        if not key:
            self.alert.show("Choose a measure from the library first.")
            return
        self.page.flush()
        if self.page.commit(lambda: self.model.adopt(key), after=self._after_change):
            name = self.model.measure().name
            self.library.value = ""
            self.alert.show(
                f"'{name}' is in the family now; adapt its definition below to your setting.",
                "success",
            )

    @guarded()
    def _on_add(self, _button: w.Button) -> None:
        name, kind = self.new_name.value, self.new_kind.value
        self.page.flush()
        if self.page.commit(lambda: self.model.add_measure(name, kind), after=self._after_change):
            self.new_name.value = ""
            self.alert.show(f"'{name.strip()}' is added; write its definition below.", "success")

    @guarded()
    def _on_remove(self, _button: w.Button) -> None:
        selected = self.model.selected_id
        if not selected:
            return
        name = self.model.measure(selected).name
        if self._remove_armed != selected:  # a second click confirms
            self._remove_armed = selected
            self.remove_button.description = "Click again to remove"
            self.alert.show(
                f"Remove '{name}' from the family? Click 'Click again to remove' to confirm; "
                "its history stays in the store.",
                "warning",
            )
            return
        self.page.flush()
        if self.page.commit(lambda: self.model.remove(selected), after=self._after_change):
            self.alert.show(f"'{name}' is no longer in the family.", "info")
