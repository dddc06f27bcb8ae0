"""The monthly report app: write the period's report, rate the team, submit it to the faculty.

The sections are saved as the participant types (the base's autosave). "Submit" sends the
report (refused, naming the empty sections, while it is incomplete) and locks it; "Edit"
makes a new version, keeping the one the faculty received. The team's periods are listed
with their due dates, overdue ones flagged. The results section embeds small charts of the
family of measures. A facilitator reads any team's reports, read-only.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from typing import Any

import ipywidgets as w

from kit.qi.reporting import REPORT_SECTIONS, PeriodStatus
from kit.steps.report.model import ReportModel
from kit.ui.app import AppContext, AppShell, run
from kit.ui.comments import CommentsPanel
from kit.ui.step import StepView, edit_handler, model_for_team
from kit.ui.widgets import (
    SharedLook,
    classed,
    field_error,
    guarded,
    message_for,
    set_field_error,
    wide,
)

log = logging.getLogger("kit.ui")

_STATUS_WORDS = {"submitted": "Submitted", "draft": "Draft", "not_started": "Not started"}


def statuses_html(statuses: list[PeriodStatus]) -> str:
    """The team's periods with due date and status; overdue ones flagged in words."""
    rows = []
    for s in statuses:
        flag = (
            f"<b class='kit-error kit-report-overdue'>Overdue by {s.days_overdue} days</b>"
            if s.overdue
            else ("<span class='kit-small'>sent late</span>" if s.submitted_late else "")
        )
        rows.append(
            f"<tr class='kit-report-period kit-report-{s.status}'><td>{html.escape(s.label)}"
            f"</td><td>{s.due:%d %b %Y}</td><td>{_STATUS_WORDS[s.status]}</td><td>{flag}</td></tr>"
        )
    head = "<tr><th>Period</th><th>Due</th><th>Status</th><th></th></tr>"
    return (
        "<table class='kit-report-statuses' style='border-spacing:8px 2px'>"
        f"{head}{''.join(rows)}</table>"
    )


class ReportView(StepView[ReportModel]):
    """One team's report for one period, bound to a ``ReportModel``."""

    css_class = "kit-report"
    reloaded_message = "Reloaded the saved report; make your changes again if needed."

    def __init__(self, context: AppContext, model: ReportModel) -> None:
        super().__init__(context, model)
        # headings and the section boxes never change their look: they share it
        self.look = SharedLook()
        self.team_picker = classed(w.Dropdown(description="Team:", options=[]), "kit-report-team")
        self.period_picker = classed(w.Dropdown(options=[]), "kit-report-period-picker")
        self.statuses = classed(w.HTML(), "kit-report-status-list")
        self.state_line = classed(w.HTML(), "kit-report-state")
        self.sections = {
            name: classed(
                w.Textarea(
                    placeholder=question, layout=self.look.layout(width="100%", height="70px")
                ),
                f"kit-report-{name.replace('_', '-')}",
            )
            for name, (_heading, question) in REPORT_SECTIONS.items()
        }
        self.completeness = classed(w.HTML(), "kit-report-completeness")
        levels = model.scale_levels
        self.score = classed(
            w.RadioButtons(
                options=[
                    (f"{lv['score']:.1f} {lv['label']}: {lv['description']}", lv["score"])
                    for lv in levels
                ],
                layout=wide(),
            ),
            "kit-report-score",
        )
        self.score_note = classed(w.HTML(), "kit-report-score-note")
        self.submit_button = classed(
            w.Button(
                description="Submit to the faculty",
                icon="send",
                button_style="primary",
                layout=w.Layout(width="auto"),  # its own: hidden once submitted
            ),
            "kit-report-submit",
        )
        self.edit_button = classed(
            w.Button(
                description="Edit (new version)",
                icon="pencil",
                layout=w.Layout(width="auto"),  # its own: shown once submitted
            ),
            "kit-report-edit",
        )
        self.submit_error = classed(field_error(self.submit_button), "kit-report-submit-error")
        self.versions = classed(w.HTML(), "kit-report-versions")
        self.charts = classed(w.VBox(), "kit-report-charts")
        self._charts_of: tuple[str | None, dt.date | None] | None = None
        self.children = self._layout(levels)

        for widget in self.sections.values():
            widget.observe(self._on_section_edit, names="value")
        self.score.observe(self._on_score, names="value")
        self.period_picker.observe(self._on_period, names="value")
        self.team_picker.observe(self.show_team, names="value")
        self.submit_button.on_click(self._on_submit)
        self.edit_button.on_click(self._on_edit_version)
        self.load()

    def _layout(self, levels: list[dict[str, Any]]) -> list[w.Widget]:
        def heading(text: str, intro: str = "") -> w.HTML:
            more = f"<p class='kit-small'>{intro}</p>" if intro else ""
            return self.look.html(f"<h3 class='kit-h-tight'>{text}</h3>{more}")

        parts: list[w.Widget] = []
        for name, (title, _question) in REPORT_SECTIONS.items():
            parts.append(heading(html.escape(title)))
            parts.append(self.sections[name])
            if name == "accomplishments":
                parts.append(self.charts)
        source = html.escape(levels[0].get("source", "")) if levels else ""
        top: list[w.Widget] = []
        if self.model.is_facilitator:
            top.append(self.team_picker)
        self.comments = CommentsPanel(self, "report")  # faculty feedback on the shown period
        return [
            *top,
            self.conflict,
            heading(
                "Your reporting periods",
                "Each period's report is due a set number of days "
                "after the period ends (the collaborative's reporting settings).",
            ),
            self.statuses,
            w.HBox([w.HTML("<b>Report for&nbsp;</b>"), self.period_picker]),
            self.state_line,
            *parts,
            self.completeness,
            self.comments,
            heading(
                "Self-assessment",
                "Rate your team's progress this month on the collaborative's assessment scale "
                f"(source: {source or 'IHI Assessment Scale for Collaboratives'}).",
            ),
            self.score,
            self.score_note,
            w.HBox([self.submit_button, self.edit_button, self.submit_error]),
            heading("Versions"),
            self.versions,
        ]

    # --- showing ------------------------------------------------------------------------

    def show_model(self) -> None:
        model = self.model
        if model.is_facilitator:
            teams = model.teams()
            self.team_picker.options = teams
            if model.team_id in {t[1] for t in teams}:
                self.team_picker.value = model.team_id
        statuses = model.statuses()
        self.statuses.value = statuses_html(statuses)
        options = [
            (
                f"{s.label} ({_STATUS_WORDS[s.status].lower()}{', overdue' if s.overdue else ''})",
                s.period,
            )
            for s in statuses
        ]
        if model.period is not None and model.period not in {p for _l, p in options}:
            options.append((model.period_label(), model.period))
        self.period_picker.options = options
        self.period_picker.value = model.period
        report = model.report
        for name, widget in self.sections.items():
            widget.value = getattr(report, name)
        self.score.value = model.self_score
        self.comments.show(model.team_id, model.period)
        self._show_state()
        self._show_charts()

    def _show_state(self) -> None:
        model, report = self.model, self.model.report
        locked = model.locked
        for widget in (*self.sections.values(), self.score):
            widget.disabled = locked
        self.submit_button.disabled = locked
        # hidden too: the click handler's guard re-enables the button it disabled
        self.submit_button.layout.display = "none" if report.submitted else ""
        self.edit_button.disabled = not (model.can_edit and report.submitted)
        self.edit_button.layout.display = "" if report.submitted else "none"
        set_field_error(self.submit_error, None)
        if report.submitted:
            when = f" on {report.submitted_at:%d %b %Y %H:%M} UTC" if report.submitted_at else ""
            state = (
                f"<b>Submitted to the faculty{when}</b> (version {report.version_number}); "
                "locked. Choose 'Edit' to make a new version; this one is kept."
            )
        else:
            state = f"Draft, version {report.version_number}; saved as you type."
        self.state_line.value = (
            f"<p class='kit-report-state-text'><b>{html.escape(model.period_label())}</b>: "
            f"{state} Due {model.due():%d %b %Y}.</p>"
        )
        missing = model.missing()
        self.completeness.value = (
            f"<p class='kit-small'>Still to write: {html.escape(', '.join(missing))}.</p>"
            if missing
            else "<p class='kit-small kit-good'>Every section is written.</p>"
        )
        faculty = model.faculty_score()
        self.score_note.value = (
            f"<p class='kit-small'>The faculty rated this month {faculty:.1f}.</p>"
            if faculty is not None
            else ""
        )
        rows = "".join(
            f"<li>Version {r.version_number}: "
            f"{'submitted ' + f'{r.submitted_at:%d %b %Y}' if r.submitted and r.submitted_at else ('submitted' if r.submitted else 'draft')}"
            "</li>"
            for r in model.versions()
        )
        self.versions.value = f"<ul class='kit-report-version-list'>{rows}</ul>"

    def _show_charts(self) -> None:
        """Small charts of the family up to the period's end, as SVG (``kit/charts/svg.py``:
        a report is read, printed and kept, never zoomed); the page works without them."""
        shown = (self.model.team_id, self.model.period)
        if shown == self._charts_of:  # a save changes no data: keep the charts drawn
            return
        self._charts_of = shown
        try:
            from kit.charts.svg import spc_svg

            widgets = [
                classed(
                    w.HTML(
                        spc_svg(
                            chart.result,
                            title=chart.measure.name,
                            target=chart.measure.target,
                            annotations=chart.annotations,
                        )
                    ),
                    "kit-report-chart",
                )
                for chart in self.model.charts()
            ]
            rows = [w.HBox(widgets[i : i + 2]) for i in range(0, len(widgets), 2)]
            self.charts.children = rows or [w.HTML("<p><i>No data entered yet.</i></p>")]
        except Exception as error:
            log.exception("could not draw the report's charts")
            self.charts.children = [w.HTML(f"<p>{html.escape(message_for(error))}</p>")]

    # --- handlers -----------------------------------------------------------------------

    def _raw(self) -> dict[str, str]:
        return {name: widget.value for name, widget in self.sections.items()}

    @edit_handler
    def _on_section_edit(self, _change: dict[str, Any]) -> None:
        if not self.model.locked:
            self.autosave("report", self._save_sections)

    def _save_sections(self) -> None:
        self.commit(lambda: self.model.save_sections(self._raw()), after=self._after_save)

    def _after_save(self) -> None:
        with self.quiet():
            self._show_state()
            self.statuses.value = statuses_html(self.model.statuses())

    @edit_handler
    def _on_score(self, change: dict[str, Any]) -> None:
        if change["new"] is not None:
            score = float(change["new"])
            self.commit(lambda: self.model.rate(score), after=self._after_save)

    @guarded()
    def _on_submit(self, _button: w.Button) -> None:
        self.flush()
        if self.commit(self.model.submit, error_line=self.submit_error, after=self.load):
            self.alert.show("Submitted: the faculty can read your report now.", "success")

    @guarded()
    def _on_edit_version(self, _button: w.Button) -> None:
        if self.commit(self.model.new_version, error_line=self.submit_error, after=self.load):
            self.alert.show(
                f"Version {self.model.report.version_number} is open for editing; the "
                "submitted version is kept.",
                "info",
            )

    @edit_handler
    def _on_period(self, change: dict[str, Any]) -> None:
        period = change["new"]
        if isinstance(period, dt.date) and period != self.model.period:
            self.flush()
            self.model.select_period(period)
            self.load()


def build(context: AppContext) -> ReportView:
    model = model_for_team(
        context, lambda team_id: ReportModel(context.store, context.actor, team_id)
    )
    return ReportView(context, model)


def app(store: Any = None, params: dict[str, str] | None = None) -> AppShell:
    """The monthly report app; ``params`` stands in for the page's query string in tests."""
    shell = AppShell("Monthly report", build, audience="team", store=store, css_name="report")
    if params is not None:
        return shell.start(params)
    return run(shell, charts=["kit.charts.svg"])


__all__ = ["ReportView", "app", "build", "statuses_html"]
