"""Learning sessions: the agenda in editable blocks, a presenter view, print and calendar files.

Three modes share one agenda: "Agenda" edits it (each block a row: kind, title, minutes, lead,
the app it uses; its times computed), "Presenter" is for the projector (the block on now, a
running clock, time left, what comes next), "Export and history" hands out the agenda and
lists its versions. Typing saves when it pauses, a choice or a button saves at once, both
through the base's ``autosave``/``commit``.

The presenter view and its ticking clock are ``kit/steps/sessions/presenter.py``.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from kit.apps import apps, exercises
from kit.qi.agenda import EXERCISE_PREFIX, block_kinds, lead_roles, time_zones
from kit.steps.sessions.model import SessionsModel
from kit.steps.sessions.presenter import Presenter, utc_now
from kit.ui.app import AppContext, AppShell, run
from kit.ui.downloads import download_link
from kit.ui.step import StepView, edit_handler
from kit.ui.widgets import classed, field_error, guarded


class BlockRow(w.HBox):
    """One block's inputs and its computed times."""

    def __init__(self, day: int, index: int, app_options: list[tuple[str, str]]) -> None:
        super().__init__(
            layout=w.Layout(align_items="center", padding="2px 0", flex_flow="row wrap")
        )
        self.day, self.index = day, index
        self.time = classed(w.HTML(layout=w.Layout(width="90px")), "kit-sessions-time")
        self.kind = classed(
            w.Dropdown(
                options=[(v, k) for k, v in block_kinds().items()], layout=w.Layout(width="140px")
            ),
            "kit-sessions-kind",
        )
        self.title = classed(w.Text(layout=w.Layout(width="34%")), "kit-sessions-title")
        self.minutes = classed(w.Text(layout=w.Layout(width="60px")), "kit-sessions-minutes")
        self.lead = classed(
            w.Combobox(
                options=list(lead_roles().values()),
                ensure_option=False,
                layout=w.Layout(width="150px"),
            ),
            "kit-sessions-lead",
        )
        self.app = classed(
            w.Dropdown(options=app_options, layout=w.Layout(width="130px")), "kit-sessions-app"
        )
        self.up = classed(
            w.Button(icon="arrow-up", tooltip="Move up", layout=w.Layout(width="34px")),
            "kit-sessions-up",
        )
        self.down = classed(
            w.Button(icon="arrow-down", tooltip="Move down", layout=w.Layout(width="34px")),
            "kit-sessions-down",
        )
        self.add = classed(
            w.Button(
                icon="plus", tooltip="Add a block after this one", layout=w.Layout(width="34px")
            ),
            "kit-sessions-add",
        )
        self.remove = classed(
            w.Button(icon="trash", tooltip="Remove this block", layout=w.Layout(width="34px")),
            "kit-sessions-remove",
        )
        self.error = classed(field_error(self), "kit-sessions-block-error")
        classed(self, "kit-row-divided", "kit-sessions-block", f"kit-sessions-block-{day}-{index}")
        self.children = [
            self.time,
            self.kind,
            self.title,
            self.minutes,
            self.lead,
            self.app,
            self.up,
            self.down,
            self.add,
            self.remove,
        ]

    def values(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "title": self.title.value,
            "minutes": self.minutes.value,
            "lead": self.lead.value,
            **uses_from_choice(self.app.value),
        }


def uses_from_choice(choice: str | None) -> dict[str, str]:
    """The block's ``app`` and ``exercise`` from the editor's one dropdown of both."""
    choice = choice or ""
    if choice.startswith(EXERCISE_PREFIX):
        return {"app": "", "exercise": choice.removeprefix(EXERCISE_PREFIX)}
    return {"app": choice, "exercise": ""}


class SessionsView(StepView[SessionsModel]):
    css_class = "kit-sessions"
    reloaded_message = "Reloaded the saved agenda; make your change again if needed."

    def __init__(
        self, context: AppContext, model: SessionsModel, clock: Callable[[], dt.datetime] = utc_now
    ) -> None:
        super().__init__(context, model)
        self._app_options = (
            [("(no app or exercise)", "")]
            + [(f"{a.notebook[:2]} {a.short}", a.notebook[:2]) for a in apps()]
            + [(f"Exercise: {e.title}", EXERCISE_PREFIX + e.id) for e in exercises()]
        )
        self.meeting = classed(
            w.Dropdown(description="Meeting:", options=model.meetings()), "kit-sessions-meeting"
        )
        self.mode = classed(
            w.ToggleButtons(options=["Agenda", "Presenter", "Export and history"]),
            "kit-sessions-mode",
        )
        self.status = classed(w.HTML(), "kit-sessions-status")
        # details
        self.date = classed(w.DatePicker(description="First day:"), "kit-sessions-date")
        self.timezone = classed(
            w.Combobox(description="Time zone:", options=time_zones(), ensure_option=True),
            "kit-sessions-timezone",
        )
        self.venue = classed(w.Text(description="Venue:"), "kit-sessions-venue")
        self.day = classed(w.ToggleButtons(), "kit-sessions-day")
        self.day_start = classed(
            w.Text(description="Day starts:", layout=w.Layout(width="200px")),
            "kit-sessions-day-start",
        )
        self.day_total = classed(w.HTML(), "kit-sessions-day-total")
        self.template = classed(w.Dropdown(description="Template:"), "kit-sessions-template")
        self.template_note = classed(w.HTML(), "kit-sessions-template-note")
        self.use_template = classed(
            w.Button(description="Start from this template", icon="copy"),
            "kit-sessions-use-template",
        )
        self.error = classed(field_error(self), "kit-sessions-error")
        self.blocks_box = classed(w.VBox(), "kit-sessions-blocks")
        self.rows: list[BlockRow] = []
        self.presenter = Presenter(self.model.timed, clock)
        # export and history
        self.export_button = classed(
            w.Button(description="Prepare the printable page and calendar file", icon="download"),
            "kit-sessions-export",
        )
        self.downloads = classed(w.HTML(), "kit-sessions-downloads")
        self.history = classed(
            w.Select(rows=6, layout=w.Layout(width="100%")), "kit-sessions-history"
        )
        self.restore_button = classed(
            w.Button(description="Restore this version", icon="undo"), "kit-sessions-restore"
        )
        for b in (self.use_template, self.export_button, self.restore_button):
            b.layout.width = "auto"
        self.editor = w.VBox(
            [
                w.HBox([self.date, self.timezone]),
                self.venue,
                w.HBox([self.template, self.use_template]),
                self.template_note,
                self.day,
                w.HBox([self.day_start, self.day_total]),
                self.error,
                self.blocks_box,
            ]
        )
        self.exports = w.VBox(
            [
                w.HTML(
                    "<p>The printable page prints on A4 from any browser; the calendar file (iCalendar) "
                    "puts each block in Outlook, Google or Apple calendars.</p>"
                ),
                self.export_button,
                self.downloads,
                w.HTML("<h3>Earlier versions</h3><p>Every save is kept.</p>"),
                self.history,
                self.restore_button,
            ]
        )
        self.children = [
            w.HTML(
                "<p>Plan the meeting's agenda in blocks; every later block moves when you change one. "
                "Templates: kit/content/agendas.yaml (IHI, The Breakthrough Series, 2003).</p>"
            ),
            self.conflict,
            w.HBox([self.meeting, self.mode]),
            self.status,
            self.editor,
            self.presenter,
            self.exports,
        ]
        self.meeting.observe(self._on_meeting, names="value")
        self.mode.observe(self._on_mode, names="value")
        self.date.observe(self._on_details, names="value")
        self.timezone.observe(self._on_details, names="value")
        self.venue.observe(self._on_venue, names="value")
        self.day.observe(self._on_day, names="value")
        self.day_start.observe(self._on_day_start, names="value")
        self.template.observe(self._on_template_choice, names="value")
        self.use_template.on_click(self._on_use_template)
        self.export_button.on_click(self._on_export)
        self.restore_button.on_click(self._on_restore)
        self.load()
        self._show_mode()

    # --- showing ------------------------------------------------------------------------

    def show_model(self) -> None:
        agenda = self.model.agenda
        self.meeting.value = self.model.meeting
        self.date.value = agenda.date
        self.timezone.value = agenda.timezone
        self.venue.value = agenda.venue
        self.template.options = self.model.variants()
        if agenda.template in dict((k, v) for v, k in self.model.variants()):
            self.template.value = agenda.template
        self._show_template_note()
        days = len(agenda.days)
        keep = self.day.value if isinstance(self.day.value, int) and self.day.value < days else 0
        self.day.options = [(f"Day {d + 1}", d) for d in range(days)]
        self.day.value = keep
        self.presenter.set_days(days)
        saved = self.model.saved
        self.status.value = (
            f"<p class='kit-small'>Saved version {saved.version}, by {html.escape(saved.updated_by)}.</p>"
            if saved
            else "<p class='kit-small'><i>The kit's template, not saved yet: your first change saves it for this collaborative.</i></p>"
        )
        self._show_day()
        self._show_history()
        self.presenter.show()

    def _show_template_note(self) -> None:
        cuts = self.model.template_cuts(self.template.value) if self.template.value else []
        self.template_note.value = (
            "<p class='kit-small'>This template leaves out: "
            + "; ".join(html.escape(c) for c in cuts)
            + "</p>"
            if cuts
            else ""
        )

    def _show_day(self) -> None:
        day = self.day.value or 0
        agenda = self.model.agenda
        if day >= len(agenda.days):
            self.blocks_box.children = []
            return
        self.day_start.value = f"{agenda.days[day].starts:%H:%M}"
        self.rows = []
        for index, block in enumerate(agenda.days[day].blocks):
            row = BlockRow(day, index, self._app_options)
            row.kind.value = block.kind
            row.title.value = block.title
            row.minutes.value = str(block.minutes)
            row.lead.value = block.lead
            choice = EXERCISE_PREFIX + block.exercise if block.exercise else block.app
            row.app.value = choice if choice in {v for _k, v in self._app_options} else ""
            for name in ("title", "minutes", "lead"):
                getattr(row, name).observe(self._on_block_typing, names="value")
            for name in ("kind", "app"):
                getattr(row, name).observe(self._on_block_choice, names="value")
            row.up.on_click(self._on_move_up)
            row.down.on_click(self._on_move_down)
            row.add.on_click(self._on_add)
            row.remove.on_click(self._on_remove)
            self.rows.append(row)
        self.blocks_box.children = [w.VBox([row, row.error]) for row in self.rows]
        self._show_times()

    def _show_times(self) -> None:
        day = self.day.value or 0
        times = [t for t in self.model.timed() if t.day == day]
        for row, timed in zip(self.rows, times, strict=False):
            row.time.value = f"<b>{timed.clock}</b>"
        total = sum(t.block.minutes for t in times)
        end = f", ends {times[-1].end:%H:%M}" if times else ""
        self.day_total.value = (
            f"<span class='kit-sessions-total'>{total // 60} h {total % 60:02d} min{end}</span>"
        )

    def _show_history(self) -> None:
        entries = self.model.history()
        self.history.options = [(e.label + " · " + e.summary, e.version) for e in entries]

    def _show_mode(self) -> None:
        mode = self.mode.value
        self.editor.layout.display = "flex" if mode == "Agenda" else "none"
        self.presenter.layout.display = "flex" if mode == "Presenter" else "none"
        self.exports.layout.display = "flex" if mode == "Export and history" else "none"
        if mode != "Presenter" and self.presenter.running:
            self.presenter.stop()

    def _refresh(self) -> None:
        """After a save that changed only values: times, status, history, presenter."""
        self._show_times()
        with self.quiet():
            saved = self.model.saved
            if saved:
                self.status.value = f"<p class='kit-small'>Saved version {saved.version}, by {html.escape(saved.updated_by)}.</p>"
        self._show_history()

    # --- handlers --------------------------------------------------------------------------

    def _row_of(self, widget: w.Widget) -> BlockRow:
        return next(r for r in self.rows if widget in r.children)

    @edit_handler
    def _on_meeting(self, change: dict[str, Any]) -> None:
        self.flush()
        self.model.select(change["new"])
        self.load()

    @edit_handler
    def _on_mode(self, _change: dict[str, Any]) -> None:
        self._show_mode()

    @edit_handler
    def _on_details(self, _change: dict[str, Any]) -> None:
        if self.date.value is None:
            self.alert.show("Choose the first day from the calendar.")
            return
        if self.timezone.value not in self.timezone.options:
            return  # still typing a zone's name
        self.commit(
            lambda: self.model.set_details(date=self.date.value, timezone=self.timezone.value),
            error_line=self.error,
            after=self.load,
        )

    @edit_handler
    def _on_venue(self, _change: dict[str, Any]) -> None:
        self.autosave(
            "venue",
            lambda: self.commit(
                lambda: self.model.set_details(venue=self.venue.value),
                error_line=self.error,
                after=self._refresh,
            ),
        )

    @edit_handler
    def _on_day(self, _change: dict[str, Any]) -> None:
        self.flush()
        with self.quiet():
            self._show_day()

    @edit_handler
    def _on_day_start(self, _change: dict[str, Any]) -> None:
        day = self.day.value or 0
        value = self.day_start.value
        self.autosave(
            f"start-{day}",
            lambda: self.commit(
                lambda: self.model.set_day_start(day, value),
                error_line=self.error,
                after=self._refresh,
            ),
        )

    @edit_handler
    def _on_block_typing(self, change: dict[str, Any]) -> None:
        row = self._row_of(change["owner"])
        self.autosave(f"block-{row.day}-{row.index}", lambda: self._save_row(row))

    @edit_handler
    def _on_block_choice(self, change: dict[str, Any]) -> None:
        self._save_row(self._row_of(change["owner"]))

    def _save_row(self, row: BlockRow) -> None:
        if row not in self.rows:
            return  # the rows were rebuilt since this edit was typed
        values = row.values()
        self.commit(
            lambda: self.model.update_block(row.day, row.index, **values),
            error_line=row.error,
            after=self._refresh,
        )

    def _structural(self, action: Callable[[], Any]) -> None:
        self.flush()
        self.commit(action, error_line=self.error, after=self.load)

    @guarded()
    def _on_move_up(self, button: w.Button) -> None:
        row = self._row_of(button)
        self._structural(lambda: self.model.move_block(row.day, row.index, -1))

    @guarded()
    def _on_move_down(self, button: w.Button) -> None:
        row = self._row_of(button)
        self._structural(lambda: self.model.move_block(row.day, row.index, 1))

    @guarded()
    def _on_add(self, button: w.Button) -> None:
        row = self._row_of(button)
        self._structural(lambda: self.model.add_block(row.day, row.index))

    @guarded()
    def _on_remove(self, button: w.Button) -> None:
        row = self._row_of(button)
        self._structural(lambda: self.model.remove_block(row.day, row.index))

    @edit_handler
    def _on_template_choice(self, _change: dict[str, Any]) -> None:
        self._show_template_note()

    @guarded()
    def _on_use_template(self, _button: w.Button) -> None:
        variant = self.template.value
        self._structural(lambda: self.model.use_template(variant))

    @guarded()
    def _on_export(self, _button: w.Button) -> None:
        stem = self.model.file_stem()
        self.downloads.value = " · ".join(
            [
                download_link(
                    self.model.printable().encode("utf-8"),
                    f"{stem}.html",
                    "text/html",
                    "Download the printable page",
                ),
                download_link(
                    self.model.ics().encode("utf-8"),
                    f"{stem}.ics",
                    "text/calendar",
                    "Download the calendar file",
                ),
            ]
        )

    @guarded()
    def _on_restore(self, _button: w.Button) -> None:
        version = self.history.value
        if version is None:
            self.alert.show("Pick a version in the list first.")
            return
        if self.commit(lambda: self.model.restore(version), after=self.load):
            self.alert.show(f"Version {version} is the agenda again.", "success")


def build(context: AppContext) -> SessionsView:
    meeting = context.params.get("meeting") or "ls1"
    model = SessionsModel(
        context.store,
        context.actor,
        meeting if meeting in dict((k, v) for v, k in SessionsModel.meetings()) else "ls1",
    )
    view = SessionsView(context, model)
    if context.params.get("present"):
        view.mode.value = "Presenter"
    return view


def app(store=None, params: dict[str, str] | None = None) -> AppShell:
    """The learning-sessions app; ``params`` stands in for the page's query string in tests."""
    shell = AppShell("Learning sessions", build, store=store, css_name="sessions")
    if params is not None:
        return shell.start(params)
    return run(shell)


__all__ = ["Presenter", "SessionsView", "app", "build"]
