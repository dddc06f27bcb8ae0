"""The change package and driver diagrams: edit, adopt, adapt, see it drawn, export it.

The facilitator edits the collaborative's change package; a team adopts it into its own
diagram, then adds, rewords, relinks and deletes boxes. Each button press is one edit from
``kit.qi.drivers``, saved at once; the Bokeh drawing follows by new data in its sources.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any

import ipywidgets as w
from jupyter_bokeh import BokehModel

from kit.charts.driver_diagram import DriverDiagramChart
from kit.errors import KitInputError
from kit.steps.change_package.box_editor import BoxEditor, concept_card, short
from kit.steps.change_package.model import (
    PACKAGE,
    ChangePackageModel,
    concept_options,
    counts,
    is_empty,
)
from kit.ui.app import AppContext, AppShell, run
from kit.ui.comments import CommentsPanel
from kit.ui.downloads import download_link
from kit.ui.step import StepView, edit_handler
from kit.ui.widgets import classed, guarded, message_for, wide

log = logging.getLogger("kit.steps.change_package")


class ChangePackageView(StepView[ChangePackageModel]):
    """The change package or one team's driver diagram, bound to a ``ChangePackageModel``."""

    css_class = "kit-change-package"
    reloaded_message = "Reloaded the saved diagram; make your change again if needed."

    def __init__(self, context: AppContext, model: ChangePackageModel) -> None:
        super().__init__(context, model)
        classed(self.conflict, "kit-cp-conflict")
        classed(self.conflict.reload_button, "kit-cp-reload")
        self._history: dict[int, Any] = {}
        self._confirming: str | None = None
        concepts = concept_options()

        # --- which diagram ------------------------------------------------------------
        self.diagram_picker = classed(
            w.Dropdown(description="Diagram:", layout=w.Layout(width="480px")), "kit-cp-diagram"
        )
        self.readonly_note = classed(w.HTML(), "kit-cp-readonly")
        self.heading = classed(w.HTML(), "kit-cp-heading")
        self.adopt_button = classed(
            w.Button(
                description="Adopt the change package",
                icon="copy",
                button_style="info",
                layout=w.Layout(width="auto"),  # "Click again to replace..." shown whole
            ),
            "kit-cp-adopt",
        )
        self.clear_button = classed(
            w.Button(
                description="Start from an empty diagram",
                icon="file",
                layout=w.Layout(width="auto"),
            ),
            "kit-cp-clear",
        )
        self.adopt_note = classed(w.HTML(), "kit-cp-adopt-note")

        # --- aim ------------------------------------------------------------------------
        self.aim_text = classed(
            w.Textarea(layout=w.Layout(width="100%", height="48px")), "kit-cp-aim"
        )
        self.aim_save = classed(
            w.Button(description="Save the aim", icon="save"), "kit-cp-aim-save"
        )
        self.aim_default = classed(w.Button(description="Use our aim"), "kit-cp-aim-default")

        # --- adding boxes ---------------------------------------------------------------
        self.primary_text = classed(
            w.Text(placeholder="What must be in place for the aim to be reached?", layout=wide()),
            "kit-cp-primary-text",
        )
        self.add_primary_button = classed(
            w.Button(description="Add primary driver", icon="plus"), "kit-cp-add-primary"
        )
        self.secondary_text = classed(
            w.Text(placeholder="A part of the system that moves a primary driver", layout=wide()),
            "kit-cp-secondary-text",
        )
        self.secondary_primaries = classed(
            w.SelectMultiple(rows=4, layout=wide()), "kit-cp-secondary-primaries"
        )
        self.add_secondary_button = classed(
            w.Button(description="Add secondary driver", icon="plus"), "kit-cp-add-secondary"
        )
        self.idea_text = classed(
            w.Text(placeholder="A change you can test in a PDSA cycle", layout=wide()),
            "kit-cp-idea-text",
        )
        self.idea_secondaries = classed(
            w.SelectMultiple(rows=5, layout=wide()), "kit-cp-idea-secondaries"
        )
        self.idea_concept = classed(
            w.Dropdown(options=concepts, value="", layout=wide()), "kit-cp-idea-concept"
        )
        self.idea_card = classed(w.HTML(), "kit-cp-concept-card")
        self.add_idea_button = classed(
            w.Button(description="Add change idea", icon="plus"), "kit-cp-add-idea"
        )

        # --- the drawing, warnings, export, history -------------------------------------
        self.summary = classed(w.HTML(), "kit-cp-summary")
        self.warnings = classed(w.HTML(), "kit-cp-warnings")
        self.chart = None
        self.chart_widget: w.Widget = classed(w.HTML(), "kit-chart")
        self.export_button = classed(
            w.Button(description="Prepare HTML and PNG files", icon="download"), "kit-cp-export"
        )
        self.downloads = classed(w.HTML(), "kit-cp-downloads")
        self.history = classed(w.Select(rows=5, layout=wide()), "kit-cp-history")
        self.history_preview = classed(w.HTML(), "kit-cp-history-preview")
        self.restore_button = classed(
            w.Button(description="Restore this version", icon="undo"), "kit-cp-restore"
        )

        for widget in vars(self).values():
            if isinstance(widget, w.Button):
                widget.layout.width = "auto"  # whole labels, never "Adopt the chang..."
        self.editor = BoxEditor(self, concepts)
        self.children = self._layout()

        self.diagram_picker.observe(self._on_pick_diagram, names="value")
        self.adopt_button.on_click(self._on_adopt)
        self.clear_button.on_click(self._on_clear)
        self.aim_save.on_click(self._on_save_aim)
        self.aim_default.on_click(self._on_default_aim)
        self.add_primary_button.on_click(self._on_add_primary)
        self.add_secondary_button.on_click(self._on_add_secondary)
        self.add_idea_button.on_click(self._on_add_idea)
        self.idea_concept.observe(self._on_idea_concept, names="value")
        self.export_button.on_click(self._on_export)
        self.history.observe(self._on_history_select, names="value")
        self.restore_button.on_click(self._on_restore)
        self.load()

    # --- building -----------------------------------------------------------------------

    def _layout(self) -> list[w.Widget]:
        def section(title: str, parts: list[w.Widget], css: str, width: str = "33%") -> w.VBox:
            box = w.VBox(
                [w.HTML(f"<h4 class='kit-h-tight'>{html.escape(title)}</h4>"), *parts],
                layout=w.Layout(width=width, padding="4px 8px", margin="0 6px 0 0"),
            )
            return classed(box, "kit-panel-light", css)

        def small(text: str) -> w.HTML:
            return w.HTML(f"<span class='kit-small kit-muted'>{text}</span>")

        adders = w.HBox(
            [
                section(
                    "Primary drivers",
                    [
                        small("2 to 5 is usual: the big areas that must change."),
                        self.primary_text,
                        self.add_primary_button,
                    ],
                    "kit-cp-primary-section",
                ),
                section(
                    "Secondary drivers",
                    [
                        self.secondary_text,
                        small("Feeds primary drivers (Ctrl/Cmd-click for several):"),
                        self.secondary_primaries,
                        self.add_secondary_button,
                    ],
                    "kit-cp-secondary-section",
                ),
                section(
                    "Change ideas",
                    [
                        self.idea_text,
                        small("Acts on secondary drivers (Ctrl/Cmd-click for several):"),
                        self.idea_secondaries,
                        small("Change concept (card deck, 9 groups):"),
                        self.idea_concept,
                        self.idea_card,
                        self.add_idea_button,
                    ],
                    "kit-cp-idea-section",
                ),
            ]
        )
        self.adopt_row = w.VBox([w.HBox([self.adopt_button, self.clear_button]), self.adopt_note])
        self.adopt_row.add_class("kit-cp-adopt-row")
        aim_row = w.VBox(
            [
                w.HTML("<b>Aim at the root of the diagram</b>"),
                self.aim_text,
                w.HBox([self.aim_save, self.aim_default]),
            ]
        )
        self.edit_area = w.VBox([aim_row, adders, self.editor])
        self.edit_area.add_class("kit-cp-edit-area")
        self.chart_box = classed(
            w.Box([self.chart_widget], layout=w.Layout(overflow="auto", width="100%")),
            "kit-cp-chart-box",
        )
        export = w.VBox(
            [
                w.HTML(
                    "<h3>Export</h3><p>A standalone HTML file (opens offline, in any browser) "
                    "and a PNG picture for a storyboard.</p>"
                ),
                self.export_button,
                self.downloads,
            ]
        )
        history = w.VBox(
            [
                w.HTML(
                    "<h3>Earlier versions</h3><p>Every edit is kept; pick a version to see "
                    "what it held, and restore it if you want it back.</p>"
                ),
                self.history,
                self.history_preview,
                self.restore_button,
            ]
        )
        history.add_class("kit-cp-history-section")
        intro = w.HTML(
            "<p>The <b>change package</b> is the collaborative's starting theory of change: "
            "primary drivers, the secondary drivers that move them and change ideas to test. "
            "Each team adopts it into its own <b>driver diagram</b>, then adapts it: reword, "
            "relink, delete and add. Every change is saved as you make it.</p>"
        )
        self.comments = CommentsPanel(self, "driver_diagram")  # faculty feedback on a team's
        return [
            intro,
            w.HBox([self.diagram_picker, self.readonly_note]),
            self.heading,
            self.conflict,
            self.adopt_row,
            self.summary,
            self.warnings,
            self.chart_box,
            self.comments,
            self.edit_area,
            export,
            history,
        ]

    # --- showing the model ----------------------------------------------------------------

    def show_model(self) -> None:
        """Fill every widget and the drawing from the model."""
        self._show_controls()
        self.comments.show(self.model.team_id or None)  # none for the change package
        self._refresh_drawing()
        self._refresh_history()

    def _show_controls(self) -> None:
        choices = self.model.choices()
        self.diagram_picker.options = choices
        self.diagram_picker.value = self.model.team_id
        diagram = self.model.diagram
        editable = self.model.can_edit
        self.heading.value = f"<h3 class='kit-h-tight'>{html.escape(self.model.title())}</h3>"
        if editable:
            self.readonly_note.value = ""
        elif self.model.is_facilitator:
            self.readonly_note.value = "<i>Viewing a team's diagram as faculty (read-only).</i>"
        else:
            self.readonly_note.value = (
                "<i>The change package is written by the facilitator; you can read it "
                "and adopt it into your own diagram.</i>"
            )
        team_view = not self.model.is_package and editable
        self.adopt_row.layout.display = None if team_view else "none"
        self.adopt_button.description = "Adopt the change package"
        self.clear_button.description = "Start from an empty diagram"
        self._confirming = None
        self.adopt_note.value = (
            "<span class='kit-small kit-muted'>Adopting copies the package's "
            "boxes into your diagram (it replaces what is there; the old diagram stays "
            "in the history).</span>"
        )
        self.edit_area.layout.display = None if editable else "none"
        self.aim_default.description = (
            "Use the collaborative's aim" if self.model.is_package else "Use our aim"
        )
        self.aim_text.value = diagram.aim_text
        self.restore_button.disabled = not editable
        self._refresh_choices()

    def _refresh_choices(self) -> None:
        d = self.model.diagram
        primaries = [(short(p.text), p.id) for p in d.primary_drivers]
        secondaries = [(short(s.text), s.id) for s in d.secondary_drivers]
        self.secondary_primaries.options = primaries
        self.idea_secondaries.options = secondaries
        self.editor.show()

    def _refresh_drawing(self) -> None:
        diagram = self.model.diagram
        self.summary.value = f"<p><b>{html.escape(counts(diagram))}</b></p>"
        warnings = self.model.warnings()
        if warnings:
            items = "".join(f"<li>{html.escape(x)}</li>" for x in warnings)
            self.warnings.value = (
                "<div class='kit-warning'><b>Advice on this diagram</b>"
                f"<ul class='kit-tight'>{items}</ul></div>"
            )
        else:
            self.warnings.value = ""
        if self.chart is None:
            self._build_chart()
        else:
            self.chart.update(diagram)

    def _build_chart(self) -> None:
        """The Bokeh figure, built once; later edits only assign new source data."""
        try:
            self.chart = DriverDiagramChart(self.model.diagram)
            widget = BokehModel(self.chart.figure)
            widget.add_class("kit-chart")
            widget.add_class("kit-cp-chart")
            self.chart_widget = widget
            self.chart_box.children = [widget]
        except Exception as error:  # the page still works without its drawing
            log.exception("could not draw the driver diagram")
            self.chart_widget.value = f"<p>{html.escape(message_for(error))}</p>"

    def _refresh_history(self) -> None:
        entries = self.model.history()
        self._history = {e.version: e for e in entries}
        with self.quiet():
            self.history.options = [(e.label, e.version) for e in entries]
            self.history.value = None
        self.history_preview.value = "" if entries else "<i>No saved versions yet.</i>"

    def _after_edit(self, message: str = "") -> None:
        self.aim_text.value = self.model.diagram.aim_text
        self._refresh_choices()
        self._refresh_drawing()
        self._refresh_history()
        if message:
            self.alert.show(message, "success")

    def save_edit(
        self,
        action: Callable[..., Any],
        *args: Any,
        message: str = "",
        then: Callable[[], Any] | None = None,
        **kwargs: Any,
    ) -> bool:
        """Run one model edit through ``commit``; True when saved.

        ``then`` (clearing the form that made the edit) runs before the drawing and summary
        are refreshed, so the summary changing is the last thing a browser sees.
        """

        def refresh() -> None:
            if then is not None:
                then()
            self._after_edit(message)

        return self.commit(lambda: action(*args, **kwargs), after=refresh)

    # --- handlers -------------------------------------------------------------------------

    @edit_handler
    def _on_pick_diagram(self, change: dict[str, Any]) -> None:
        if change["new"] is None:
            return
        self.model.select(change["new"])
        self.downloads.value = ""
        self.load()

    @guarded()
    def _on_adopt(self, button: w.Button) -> None:
        if not is_empty(self.model.diagram) and self._confirming != "adopt":
            self._confirming = "adopt"
            button.description = "Click again to replace our diagram"
            self.adopt_note.value = (
                f"<span class='kit-warning'>Your diagram has {html.escape(counts(self.model.diagram))}. "
                "Adopting replaces them with the change package; the current diagram stays in "
                "the history below.</span>"
            )
            return
        self._confirming = None
        button.description = "Adopt the change package"
        self.save_edit(
            self.model.adopt_package,
            message="The change package is now your diagram: adapt it to your setting.",
        )

    @guarded()
    def _on_clear(self, button: w.Button) -> None:
        if not is_empty(self.model.diagram) and self._confirming != "clear":
            self._confirming = "clear"
            button.description = "Click again to empty our diagram"
            return
        self._confirming = None
        button.description = "Start from an empty diagram"
        self.save_edit(
            self.model.clear, message="Your diagram is empty; the old one is in the history."
        )

    @guarded()
    def _on_save_aim(self, _button: w.Button) -> None:
        self.save_edit(self.model.set_aim_text, self.aim_text.value)

    @guarded()
    def _on_default_aim(self, _button: w.Button) -> None:
        text = self.model.default_aim_text()
        if not text:
            raise KitInputError(
                "There is no aim to copy yet; write your team's aim in the Aim app first."
            )
        self.save_edit(self.model.set_aim_text, text)

    @guarded()
    def _on_add_primary(self, _button: w.Button) -> None:
        text = self.primary_text.value.strip()
        if not text:
            raise KitInputError("Type the primary driver's words first.")
        self.save_edit(self.model.add_primary, text, then=self._clear_primary)

    def _clear_primary(self) -> None:
        self.primary_text.value = ""

    @guarded()
    def _on_add_secondary(self, _button: w.Button) -> None:
        text = self.secondary_text.value.strip()
        if not text:
            raise KitInputError("Type the secondary driver's words first.")
        self.save_edit(
            self.model.add_secondary,
            text,
            list(self.secondary_primaries.value),
            then=self._clear_secondary,
        )

    def _clear_secondary(self) -> None:
        self.secondary_text.value = ""
        self.secondary_primaries.value = ()

    @guarded()
    def _on_add_idea(self, _button: w.Button) -> None:
        text = self.idea_text.value.strip()
        if not text:
            raise KitInputError("Type the change idea's words first.")
        self.save_edit(
            self.model.add_change_idea,
            text,
            list(self.idea_secondaries.value),
            self.idea_concept.value,
            then=self._clear_idea,
        )

    def _clear_idea(self) -> None:
        self.idea_text.value = ""
        self.idea_secondaries.value = ()
        self.idea_concept.value = ""

    @guarded()
    def _on_idea_concept(self, change: dict[str, Any]) -> None:
        self.idea_card.value = concept_card(change["new"])

    @guarded()
    def _on_export(self, button: w.Button) -> None:
        stem = self.model.file_stem()
        page = self.model.export_html()
        links = [
            download_link(
                page.encode("utf-8"), f"{stem}.html", "text/html", "Download the HTML file"
            )
        ]
        try:
            picture = self.model.export_png()
            links.append(download_link(picture, f"{stem}.png", "image/png", "Download the PNG"))
        except KitInputError as error:
            links.append(f"<span class='kit-cp-png-missing'>{html.escape(str(error))}</span>")
        self.downloads.value = " · ".join(links)

    @edit_handler
    def _on_history_select(self, change: dict[str, Any]) -> None:
        entry = self._history.get(change["new"]) if change["new"] is not None else None
        if entry is None:
            self.history_preview.value = ""
            return
        d = entry.record
        rows = "".join(f"<li>{html.escape(p.text)}</li>" for p in d.primary_drivers)
        self.history_preview.value = (
            f"<p><b>Version {entry.version}</b>: {html.escape(entry.summary)}</p>"
            f"<p>Primary drivers:</p><ul>{rows}</ul>"
        )

    @guarded()
    def _on_restore(self, _button: w.Button) -> None:
        version = self.history.value
        if version is None:
            raise KitInputError("Pick a version in the list first.")
        self.save_edit(self.model.restore, version, message=f"Version {version} is back.")


def build(context: AppContext) -> ChangePackageView:
    choice = context.params.get("diagram")
    if choice is None and not context.identity.is_facilitator:
        choice = str(context.identity.team_id)
    model = ChangePackageModel(context.store, context.actor, choice or PACKAGE)
    return ChangePackageView(context, model)


def app(store=None, params: dict[str, str] | None = None) -> AppShell:
    """The change package and driver diagrams; ``params`` stands in for the query string."""
    shell = AppShell(
        "Change package and driver diagram",
        build,
        audience="everyone",
        store=store,
        css_name="change-package",
    )
    if params is not None:
        return shell.start(params)
    return run(shell, uses_bokeh=True)
