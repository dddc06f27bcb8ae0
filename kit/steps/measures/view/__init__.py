"""Measures and data: the family of measures, each operational definition, and the data.

The page has six parts over one ``MeasuresModel`` (``kit/steps/measures/model/``), each its
own class and module: the family (``family.py``), the definition form (``definition.py``),
the chart that follows typing (``chart.py``), the grid (``grid.py``) and pasting and
uploading (``bulk.py``). They save through this
``StepView`` (``kit/ui/step.py``): typed text when typing pauses, clicks at once, a bad value
beside its field, a stale edit as the conflict banner. A participant edits their own team's
measures and data; a facilitator picks a team to read its family and data, and edits the
collaborative's core measures (adopted or added here, they go to every team).

CSS hooks (stable: the browser tests and the charts app link to them)
-----------------------------------------------------------------------
Page and family
    ``kit-measures`` (the page), ``kit-measures-team`` (facilitator's team picker, a
    ``<select>``), ``kit-measures-readonly``, ``kit-measures-family`` (table; rows
    ``kit-measures-family-row`` with ``kit-measures-core`` or ``kit-measures-own``),
    ``kit-measures-family-warnings`` (the family advice), ``kit-measures-select`` (the measure
    being edited, a ``<select>`` whose options read ``<kind>: <name>``, e.g. ``outcome: Falls
    per 1,000 patient-days``), ``kit-measures-remove``.
Library and new measures
    ``kit-measures-library`` (``<select>``, options read ``<topic> · <kind> · <name>`` of
    ``kit/content/measure_library.yaml``),
    ``kit-measures-library-detail``, ``kit-measures-adopt``, ``kit-measures-new-name``,
    ``kit-measures-new-kind``, ``kit-measures-add``.
Definition form
    ``kit-measures-definition``; an input per field ``kit-measures-def-<field>`` (name,
    measure-kind, numerator, denominator, inclusions, exclusions, data-source, sampling,
    has-denominator, frequency, direction, chart, unit, multiply, baseline, target);
    ``kit-measures-def-error-<field>`` (unreadable values), ``kit-measures-def-note-<field>``
    (advice beside a field), ``kit-measures-review`` (every finding), ``kit-measures-def-source``.
Chart (drawn on request, then following the grid as it is typed)
    ``kit-measures-chart-show`` (the button), ``kit-measures-chart`` (the chart's box; its
    figure is named ``kit-main-chart``, its points source ``kit-points``),
    ``kit-measures-chart-explain`` (the words), ``kit-measures-chart-problem``.
Grid
    ``kit-measures-grid``; each row ``kit-measures-row`` and ``kit-measures-row-<YYYY-MM-DD>``
    (plus ``kit-measures-row-missing`` when flagged), with ``kit-measures-cell-value`` or
    ``kit-measures-cell-numerator`` and ``kit-measures-cell-denominator``,
    ``kit-measures-cell-note`` and ``kit-measures-row-status``; ``kit-measures-missing`` (the
    line counting missing periods); ``kit-measures-history-period``, ``kit-measures-history``,
    ``kit-measures-restore``.
Paste
    ``kit-measures-paste`` (the textarea), ``kit-measures-paste-preview-button``,
    ``kit-measures-paste-questions`` (``kit-measures-paste-question-day-first`` /
    ``-decimal-comma``), ``kit-measures-paste-preview`` (table; rows
    ``kit-measures-paste-<status>``: new, change, same, error, ask), ``kit-measures-paste-save``.
Upload
    ``kit-measures-upload`` (the upload button; it makes its file input only when clicked,
    so a browser test takes the file chooser), ``kit-measures-upload-report`` (the preview or
    the row-by-row problems, ``kit-measures-upload-problems``), ``kit-measures-import``.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from kit.steps.measures.model import MeasuresModel
from kit.steps.measures.view.bulk import PastePart, UploadPart
from kit.steps.measures.view.chart import ChartPart
from kit.steps.measures.view.definition import DefinitionPart
from kit.steps.measures.view.family import FamilyPart
from kit.steps.measures.view.grid import GridPart
from kit.steps.measures.view.part import Part
from kit.ui.app import AppContext, AppShell, run
from kit.ui.step import StepView, edit_handler
from kit.ui.widgets import classed

__all__ = ["MeasuresView", "app", "build"]


class MeasuresView(StepView[MeasuresModel]):
    """The measures-and-data page for one signed-in person."""

    css_class = "kit-measures"
    reloaded_message = "Reloaded the saved measures and data; make your change again if needed."

    def __init__(self, context: AppContext, model: MeasuresModel) -> None:
        super().__init__(context, model)
        self.team_picker = classed(w.Dropdown(description="Team:", options=[]), "kit-measures-team")
        self.readonly_note = classed(w.HTML(), "kit-measures-readonly")
        self.family = FamilyPart(self)
        self.definition = DefinitionPart(self)
        self.chart = ChartPart(self)
        self.grid = GridPart(self)
        self.paste = PastePart(self)
        self.upload = UploadPart(self)
        self.parts: list[Part] = [
            self.family, self.definition, self.chart, self.grid, self.paste, self.upload,
        ]  # fmt: skip
        top: list[w.Widget] = []
        if model.is_facilitator:
            top.append(w.HBox([self.team_picker, self.readonly_note]))
        self.children = [*top, self.conflict, *self.parts]
        self.team_picker.observe(self._on_team_change, names="value")
        self.load()

    def show_model(self) -> None:
        if self.model.is_facilitator:
            teams = self.model.teams()
            self.team_picker.options = teams
            if self.model.team_id in {t[1] for t in teams}:
                self.team_picker.value = self.model.team_id
            name = self.model.team_name()
            self.readonly_note.value = (
                f"<i>Viewing {html.escape(name)}'s family and data as faculty (read-only); "
                "you edit the core measures, which every team gets.</i>"
                if name
                else "<i>You edit the core measures, which every team gets.</i>"
            )
        for part in self.parts:
            part.show()

    def show_family(self) -> None:
        """Refresh the family's list and advice after a definition is saved."""
        with self.quiet():
            self.family.show()

    @edit_handler
    def _on_team_change(self, change: dict[str, Any]) -> None:
        if not change["new"] or change["new"] == self.model.team_id:
            return
        self.flush()
        self.model.select_team(change["new"])
        self.load()


def build(context: AppContext) -> MeasuresView:
    team_id = context.identity.team_id
    if context.identity.is_facilitator:
        team_id = context.params.get("team") or None
    model = MeasuresModel(context.store, context.actor, team_id)
    if model.team_id is None and context.identity.is_facilitator:
        teams = model.teams()
        if teams:
            model.select_team(teams[0][1])
    return MeasuresView(context, model)


def app(store: Any = None, params: dict[str, str] | None = None) -> AppShell:
    """The measures-and-data app; ``params`` stands in for the page's query string in tests."""
    shell = AppShell("Measures and data", build, audience="team", store=store, css_name="measures")
    if params is not None:
        return shell.start(params)
    return run(shell, uses_bokeh=True)
