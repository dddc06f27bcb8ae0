"""Charts that teach: each measure's chart, why that chart, and what it is telling you.

The page holds one large chart (the measure picked), with the explanation beside it, the
controls that set the chart up (new phase, frozen baseline, excluded point with its reason;
pick the period from the list or click the point), the rule set (the facilitator's choice for
the collaborative; a team's look under another, not saved), downloads, and the family of
measures as small charts. Every chart is drawn once and then updated in place
(``kit/charts/teaching.py``); a save anywhere in this kernel (``kit/store/changes.py``) and
the refresh button re-read the store.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import logging
from typing import Any

import ipywidgets as w

from kit.errors import KitInputError
from kit.steps.charts.model import ChartsModel, Reading, describe_settings
from kit.steps.charts.reading import RULE_SETS
from kit.ui.app import AppContext, AppShell, run
from kit.ui.comments import CommentsPanel
from kit.ui.step import StepView, edit_handler
from kit.ui.widgets import classed, field_error, guarded, message_for, set_field_error

log = logging.getLogger("kit.ui")

_WATCHED = {"observation", "chart_settings", "pdsa_cycle", "aim", "measure", "collaborative"}


def _explanation_html(reading: Reading) -> str:
    items = "".join(f"<li>{html.escape(s)}</li>" for s in reading.explanation)
    target = ""
    if reading.target is not None:
        target = (
            f"<p class='kit-charts-target'>The dashed target line at {reading.target:g} comes "
            f"from {html.escape(reading.target_source)}.</p>"
        )
    return (
        "<div class='kit-charts-explanation' role='status'>"
        "<h4 class='kit-h-tight'>What this chart is telling you</h4>"
        f"<p class='kit-charts-direction'><b>{html.escape(reading.direction)}</b> "
        f"Read with the {html.escape(reading.rule_set_name)}.</p>"
        f"<ul class='kit-tight'>{items}</ul>{target}</div>"
    )


def _choice_html(reading: Reading) -> str:
    chart = (
        "a run chart"
        if reading.choice.chart == "run"
        else (f"a {reading.choice.chart.upper()} chart")
    )
    return (
        f"<p class='kit-small'><b>Why {chart}?</b> {html.escape(reading.choice.reason)} "
        f"<span class='kit-muted'>(Source: {html.escape(reading.choice.source)}.)</span></p>"
    )


def _download_link(data: bytes, filename: str, mime: str, label: str) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f"<a class='kit-download' download='{html.escape(filename)}' "
        f"href='data:{mime};base64,{encoded}'>{html.escape(label)}</a>"
    )


class ChartsView(StepView[ChartsModel]):
    """One team's charts, bound to a ``ChartsModel``."""

    css_class = "kit-charts"

    def __init__(self, context: AppContext, model: ChartsModel) -> None:
        super().__init__(context, model)
        self.reading: Reading | None = None
        self.figure: Any = None
        self.family_figures: dict[str, Any] = {}
        self._family_keys: list[str] = []
        self._own_save = False

        self.team_picker = classed(w.Dropdown(description="Team:", options=[]), "kit-charts-team")
        self.measure = classed(w.Dropdown(description="Measure:", options=[]), "kit-charts-measure")
        self.measure.layout.width = "420px"
        self.refresh_button = classed(
            w.Button(description="Refresh", icon="refresh", tooltip="Read the data again"),
            "kit-charts-refresh",
        )
        labels = [(name, key) for key, name in RULE_SETS.items()]
        self.rules = classed(
            w.Dropdown(description="Collaborative's rules:", options=labels),
            "kit-charts-rules",
        )
        self.rules.style.description_width = "initial"
        self.view_rules = classed(
            w.Dropdown(description="Look at it under:", options=labels), "kit-charts-view-rules"
        )
        self.view_rules.style.description_width = "initial"
        self.rules_note = classed(w.HTML(), "kit-charts-rules-note")

        self.choice = classed(w.HTML(), "kit-charts-choice")
        self.explanation = classed(w.HTML(), "kit-charts-explain")
        self.chart_box = classed(w.Box(), "kit-charts-chart-box")

        self.period = classed(w.Dropdown(description="Period:", options=[]), "kit-charts-period")
        self.phase_button = classed(
            w.Button(description="Start a new phase here"), "kit-charts-phase"
        )
        self.unphase_button = classed(
            w.Button(description="Remove the phase that starts here"), "kit-charts-unphase"
        )
        self.freeze_button = classed(
            w.Button(description="Freeze the baseline up to here"), "kit-charts-freeze"
        )
        self.unfreeze_button = classed(w.Button(description="Unfreeze"), "kit-charts-unfreeze")
        self.reason = classed(
            w.Text(placeholder="Why leave this point out? (shown on the chart)"),
            "kit-charts-reason",
        )
        self.reason.layout.width = "360px"
        self.exclude_button = classed(
            w.Button(description="Exclude this point"), "kit-charts-exclude"
        )
        self.include_button = classed(w.Button(description="Put it back"), "kit-charts-include")
        for button in (
            self.phase_button, self.unphase_button, self.freeze_button, self.unfreeze_button,
            self.exclude_button, self.include_button,
        ):  # fmt: skip
            button.layout.width = "auto"
        self.settings_error = classed(field_error(self.period), "kit-charts-error")
        self.settings_summary = classed(w.HTML(), "kit-charts-settings")
        self.history = classed(w.HTML(), "kit-charts-history")

        self.export_button = classed(
            w.Button(description="Prepare HTML and PNG files", icon="download"),
            "kit-charts-export",
        )
        self.export_button.layout.width = "auto"
        self.downloads = classed(w.HTML(), "kit-charts-downloads")
        self.family_button = classed(
            w.Button(description="Show the family of measures", icon="th-large"),
            "kit-charts-family-show",
        )
        self.family_button.layout.width = "auto"
        self.family_note = classed(w.HTML(), "kit-charts-family-note")
        self.family_box = classed(w.Box(), "kit-charts-family")

        self.team_picker.observe(self._on_team_change, names="value")
        self.measure.observe(self._on_measure_change, names="value")
        self.rules.observe(self._on_rules_change, names="value")
        self.view_rules.observe(self._on_view_rules_change, names="value")
        self.refresh_button.on_click(self._on_refresh)
        self.phase_button.on_click(self._on_phase)
        self.unphase_button.on_click(self._on_unphase)
        self.freeze_button.on_click(self._on_freeze)
        self.unfreeze_button.on_click(self._on_unfreeze)
        self.exclude_button.on_click(self._on_exclude)
        self.include_button.on_click(self._on_include)
        self.export_button.on_click(self._on_export)
        self.family_button.on_click(self._on_family)
        self.children = self._layout()

        from kit.store import changes

        self._stop_listening = changes.listen(self._on_store_change)
        self.load()

    def _layout(self) -> list[w.Widget]:
        intro = w.HTML(
            "<p>Each measure is drawn on the chart that suits its kind of data, and read with "
            "the collaborative's rules. Beside it, the chart is put into words. Click a point "
            "(or pick its month) to start a new phase after a change, freeze the baseline, or "
            "leave a point out with the reason (Provost &amp; Murray, <i>The Health Care Data "
            "Guide</i>, 2011, chapters 3 to 6).</p>"
        )
        top = w.HBox([self.team_picker, self.measure, self.refresh_button])
        if not self.model.is_facilitator:
            self.team_picker.layout.display = "none"
        rules = w.HBox(
            [self.rules if self.model.is_facilitator else self.view_rules, self.rules_note]
        )
        side = w.VBox(
            [self.explanation, self.choice], layout=w.Layout(width="380px", margin="0 0 0 12px")
        )
        chart_row = w.HBox([self.chart_box, side], layout=w.Layout(flex_flow="row wrap"))
        edit = w.VBox(
            [
                w.HTML("<h4 class='kit-h-tight'>Set up this chart</h4>"),
                w.HBox([self.period, self.settings_error]),
                w.HBox(
                    [
                        self.phase_button,
                        self.unphase_button,
                        self.freeze_button,
                        self.unfreeze_button,
                    ]
                ),
                w.HBox([self.reason, self.exclude_button, self.include_button]),
                self.settings_summary,
                self.history,
            ]
        )
        export = w.VBox(
            [
                w.HTML(
                    "<h4 class='kit-h-tight'>Download</h4><p class='kit-small'>A standalone HTML "
                    "file (opens offline, in any browser) and a PNG picture for a storyboard.</p>"
                ),
                self.export_button,
                self.downloads,
            ]
        )
        family = w.VBox(
            [
                w.HTML(
                    "<h3>The family of measures</h3><p class='kit-small'>Every measure of the "
                    "team on one page: read a balancing measure beside its outcome, so that an "
                    "improvement is not bought with harm elsewhere (Provost &amp; Murray, 2011, "
                    "chapter 4).</p>"
                ),
                self.family_button,
                self.family_note,
                self.family_box,
            ]
        )
        self.comments = CommentsPanel(self, "chart")  # faculty feedback on the shown chart
        return [intro, self.conflict, top, rules, chart_row, self.comments, edit, export, family]

    # --- showing -------------------------------------------------------------------------

    def show_model(self) -> None:
        m = self.model
        self.team_picker.options = m.teams()
        if m.team_id is not None:
            self.team_picker.value = m.team_id
        self.measure.options = [(f"{x.name} ({x.measure_kind})", x.id) for x in m.measures]
        if self.measure.value is None and m.measures:
            self.measure.value = m.measures[0].id
        self.rules.value = m.collaborative_rules
        self.view_rules.value = m.rules
        self._show_rules_note()
        for widget in (self.period, self.reason, self.phase_button, self.unphase_button,
                       self.freeze_button, self.unfreeze_button, self.exclude_button,
                       self.include_button):  # fmt: skip
            widget.disabled = not m.can_edit
        self.show_chart()
        self.show_family()

    def _show_rules_note(self) -> None:
        m = self.model
        if m.is_facilitator:
            text = "Every team's charts are read with this rule set; it is named under each chart."
        elif m.viewing_rules:
            text = (
                f"Looking only: the collaborative reads its charts with the "
                f"{RULE_SETS[m.collaborative_rules]}. Nothing is saved."
            )
        else:
            text = "The collaborative's rule set. Choose another to look at your data under it."
        self.rules_note.value = f"<span class='kit-small kit-muted'>{html.escape(text)}</span>"

    def show_chart(self) -> None:
        """Read the picked measure and show it: the figure updated in place, the words new."""
        measure_id = self.measure.value
        self.comments.show(self.model.team_id, measure_id)
        if not measure_id:
            self.explanation.value = "<p>This team has no measures yet.</p>"
            return
        reading = self.model.read(measure_id)
        self.reading = reading
        self.explanation.value = _explanation_html(reading)
        self.choice.value = _choice_html(reading)
        with self.quiet():
            options = [(f"{p:%b %Y}", p) for p in reading.periods]
            if list(self.period.options) != options:
                keep = self.period.value
                self.period.options = options
                self.period.value = keep if keep in reading.periods else None
        self._show_settings(reading)
        self._draw(reading)

    def _draw(self, reading: Reading) -> None:
        from kit.charts.teaching import teaching_chart, update_teaching_chart

        if reading.result is None:
            self.chart_box.children = []
            return
        fig = self.figure
        if fig is not None and fig.tags and self._figure_measure == reading.measure.id:
            try:
                update_teaching_chart(fig, reading)
                return
            except KitInputError:  # another kind of axis: draw anew
                pass
        from jupyter_bokeh import BokehModel

        from kit.charts.spc import POINTS

        fig = teaching_chart(reading)
        source = next(s for s in fig.select({"name": POINTS}))
        source.selected.on_change("indices", self._on_tap)
        self.figure, self._figure_measure = fig, reading.measure.id
        widget = BokehModel(fig)
        widget.add_class("kit-chart")
        widget.add_class("kit-charts-chart")
        self.chart_box.children = [widget]

    _figure_measure: str = ""
    #: whether the family's small charts were asked for (then they follow every change)
    family_shown: bool = False

    def _show_settings(self, reading: Reading) -> None:
        s = reading.settings
        lines = []
        if s.phase_starts:
            lines.append("New phases from " + ", ".join(f"{p:%b %Y}" for p in s.phase_starts) + ".")
        if s.baseline_end:
            lines.append(f"Baseline frozen on the points up to {s.baseline_end:%b %Y}.")
        for e in s.excluded:
            lines.append(f"{e.period:%b %Y} left out: {e.reason}")
        if not lines:
            lines.append("One phase, no frozen baseline, every point counted.")
        items = "".join(f"<li>{html.escape(x)}</li>" for x in lines)
        self.settings_summary.value = f"<ul class='kit-tight kit-small'>{items}</ul>"
        entries = self.model.history(reading.measure.id)
        self.history.value = (
            "<details><summary class='kit-small'>Earlier versions of this set-up</summary>"
            + "".join(f"<div class='kit-small'>{html.escape(e)}</div>" for e in entries)
            + "</details>"
            if entries
            else ""
        )

    def show_family(self) -> None:
        """The small charts of every measure; updated in place while the measures stay."""
        from kit.charts.teaching import family_grid, update_teaching_chart

        if not self.family_shown:  # drawn on request: five charts at once make the page slow
            return
        main = self.reading
        readings = [
            main if main is not None and main.measure.id == m.id else self.model.read(m.id)
            for m in self.model.measures
        ]
        drawn = [r for r in readings if r.result is not None]
        missing = [r.measure.name for r in readings if r.result is None]
        self.family_note.value = (
            "<p class='kit-small'>No data yet: " + html.escape(", ".join(missing)) + ".</p>"
            if missing
            else ""
        )
        keys = [r.measure.id for r in drawn]
        if keys and keys == self._family_keys:
            for reading in drawn:
                update_teaching_chart(self.family_figures[reading.measure.id], reading)
            return
        if not drawn:
            self.family_box.children = []
            self._family_keys = []
            return
        from jupyter_bokeh import BokehModel

        grid = family_grid(drawn)
        figs = [child[0] for child in grid.children]
        self.family_figures = {r.measure.id: f for r, f in zip(drawn, figs, strict=True)}
        self._family_keys = keys
        widget = BokehModel(grid)
        widget.add_class("kit-chart")
        self.family_box.children = [widget]

    def refresh(self) -> None:
        """Read everything again from the store and update the charts in place."""
        self.model.reload()
        self.load()

    # --- handlers ------------------------------------------------------------------------

    def _on_store_change(self, change: Any) -> None:
        if self._own_save or change.store is not self.model.store or change.kind not in _WATCHED:
            return
        if change.team_ids and self.model.team_id not in change.team_ids:
            return
        try:
            self.refresh()
        except Exception as error:  # a listener never breaks the saver
            log.exception("refreshing the charts after a save failed")
            self.alert.show(message_for(error))

    def _on_tap(self, _attr: str, _old: list[int], new: list[int]) -> None:
        """A point clicked on the chart picks its period in the list."""
        if not new or self.reading is None:
            return
        from kit.steps.charts.reading import period_of_click

        try:
            self.period.value = period_of_click(new[0], self.reading.periods)
        except KitInputError as error:
            set_field_error(self.settings_error, str(error))

    @edit_handler
    def _on_team_change(self, change: dict[str, Any]) -> None:
        if not change["new"] or change["new"] == self.model.team_id:
            return
        self.model.select_team(change["new"])
        self.figure = None
        self._family_keys = []
        with self.quiet():
            self.measure.value = None
        self.load()

    @edit_handler
    def _on_measure_change(self, _change: dict[str, Any]) -> None:
        set_field_error(self.settings_error, None)
        with self.quiet():
            self.period.value = None
        self.show_chart()

    @edit_handler
    def _on_rules_change(self, change: dict[str, Any]) -> None:
        if change["new"] == self.model.collaborative_rules:
            return
        self._save(lambda: self.model.set_collaborative_rules(change["new"]))

    @edit_handler
    def _on_view_rules_change(self, change: dict[str, Any]) -> None:
        self.model.view_with(change["new"])
        self._show_rules_note()
        self.show_chart()
        self.show_family()

    @guarded()
    def _on_refresh(self, _button: w.Button) -> None:
        self.refresh()
        self.alert.show("The charts show the data saved now.", "info")

    def _picked(self) -> dt.date:
        if self.period.value is None:
            raise KitInputError("Pick a period in the list, or click a point on the chart.")
        return self.period.value

    def _save(self, action: Any) -> bool:
        self._own_save = True
        try:
            return self.commit(action, error_line=self.settings_error, after=self._after_save)
        finally:
            self._own_save = False

    def _after_save(self) -> None:
        self.show_chart()
        self.show_family()

    def _settings_edit(self, edit: Any) -> None:
        measure_id = self.measure.value
        try:
            period = self._picked()
        except KitInputError as error:
            set_field_error(self.settings_error, str(error))
            return
        self._save(lambda: edit(measure_id, period))

    @guarded()
    def _on_phase(self, _button: w.Button) -> None:
        self._settings_edit(self.model.add_phase)

    @guarded()
    def _on_unphase(self, _button: w.Button) -> None:
        self._settings_edit(self.model.remove_phase)

    @guarded()
    def _on_freeze(self, _button: w.Button) -> None:
        self._settings_edit(self.model.freeze_baseline)

    @guarded()
    def _on_unfreeze(self, _button: w.Button) -> None:
        measure_id = self.measure.value
        self._save(lambda: self.model.freeze_baseline(measure_id, None))

    @guarded()
    def _on_exclude(self, _button: w.Button) -> None:
        reason = self.reason.value
        if self._settings_edit_ok(lambda m, p: self.model.exclude(m, p, reason)):
            self.reason.value = ""

    def _settings_edit_ok(self, edit: Any) -> bool:
        try:
            period = self._picked()
        except KitInputError as error:
            set_field_error(self.settings_error, str(error))
            return False
        measure_id = self.measure.value
        return self._save(lambda: edit(measure_id, period))

    @guarded()
    def _on_include(self, _button: w.Button) -> None:
        self._settings_edit(self.model.include)

    @guarded()
    def _on_family(self, _button: w.Button) -> None:
        self.family_shown = True
        self.family_button.layout.display = "none"
        self.show_family()

    @guarded()
    def _on_export(self, _button: w.Button) -> None:
        from kit.charts.teaching import export_chart

        if self.reading is None or self.reading.result is None:
            raise KitInputError("There is no chart to download yet.")
        page, picture, why = export_chart(self.reading)
        stem = f"chart-{self.model.team_id}-{self.reading.measure.id}-{dt.date.today():%Y-%m-%d}"
        links = [
            _download_link(
                page.encode("utf-8"), f"{stem}.html", "text/html", "Download the HTML file"
            )
        ]
        if picture is not None:
            links.append(_download_link(picture, f"{stem}.png", "image/png", "Download the PNG"))
        else:
            links.append(f"<span class='kit-charts-png-missing'>{html.escape(why)}</span>")
        self.downloads.value = " · ".join(links)


def build(context: AppContext) -> ChartsView:
    team_id = context.identity.team_id
    if context.identity.is_facilitator:
        team_id = context.params.get("team") or None
    model = ChartsModel(context.store, context.actor, team_id)
    if model.team_id is None and context.identity.is_facilitator:
        teams = model.teams()
        if teams:
            model.select_team(teams[0][1])
    view = ChartsView(context, model)
    wanted = context.params.get("measure")
    if wanted and wanted in [m.id for m in model.measures]:
        view.measure.value = wanted
    return view


def app(store=None, params: dict[str, str] | None = None) -> AppShell:
    """Charts that teach; ``params`` stands in for the page's query string in tests."""
    shell = AppShell("Charts that teach", build, audience="team", store=store, css_name="charts")
    if params is not None:
        return shell.start(params)
    return run(shell, uses_bokeh=True, charts=["kit.charts.spc", "kit.charts.teaching"])


__all__ = ["ChartsView", "app", "build", "describe_settings"]
