"""Set-up and topic selection: the widgets over ``SetupModel``.

The facilitator sees the charter, the timeline (with its Bokeh chart), enrolment (teams,
members, BTS-role warnings, join codes) and the vote's topics and weights; everyone sees the
charter and timeline read-only, their own ballot and the shared results (ranking, readiness
advice and the spread of every individual rating).

Every edit is saved as it happens: text when typing pauses (one ``Debouncer`` per field),
choices and dates at once. A bad value becomes a message beside its field; a stale edit
(someone else saved first) shows what happened and a button to reload; nothing is a
traceback. Widget values are set from the model inside ``_quiet()`` so that loading never
counts as an edit.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as w

from kit.charts.setup_charts import (
    ratings_chart,
    timeline_chart,
    update_ratings,
    update_timeline,
)
from kit.errors import Conflict, KitInputError, PermissionDenied
from kit.steps.setup.model import (
    FACULTY_ROLES,
    MILESTONE_SLOTS,
    TEAM_ROLES,
    SetupModel,
    Slot,
)
from kit.ui import AppContext, AppShell, Debouncer, guarded, message_for, run
from kit.ui.widgets import field_error, set_field_error

log = logging.getLogger("kit.steps.setup")

#: 0 stands for "not scored": ipywidgets shows a Dropdown whose value is None as blank
NO_SCORE = 0
_SCORE_OPTIONS = [("–", NO_SCORE), ("1 weak", 1), ("2", 2), ("3", 3), ("4", 4), ("5 strong", 5)]
_WIDE = w.Layout(width="100%")


def _classed(widget: w.Widget, *css: str) -> Any:
    for name in css:
        widget.add_class(name)
    return widget


def _heading(text: str, help_text: str = "") -> w.HTML:
    more = (
        f"<p style='margin:2px 0 6px 0;color:#44546a'>{html.escape(help_text)}</p>"
        if help_text
        else ""
    )
    return w.HTML(f"<h3 style='margin:14px 0 4px 0'>{html.escape(text)}</h3>{more}")


def _warning_html(lines: list[str], css: str = "kit-warning") -> str:
    if not lines:
        return ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return f"<ul class='{css}' style='color:#8a5a00;margin:4px 0;padding-left:18px'>{items}</ul>"


class SetupView(w.VBox):
    """The set-up and topic-selection app for one signed-in person."""

    def __init__(self, context: AppContext, model: SetupModel) -> None:
        super().__init__()
        self.add_class("kit-setup")
        self.context = context
        self.model = model
        self.alert = context.alert
        self.save_state = context.save_state
        self._syncing = False
        self._debouncers: dict[str, Debouncer] = {}
        self._actions: dict[str, Callable[[], None]] = {}
        self._remove_armed: str | None = None
        self._results_problem = ""

        self._build_conflict()
        sections: list[w.Widget] = [self.conflict_box]
        if model.is_facilitator:
            sections += [
                self._build_charter(),
                self._build_timeline(),
                self._build_enrolment(),
                self._build_topics(),
            ]
        else:
            sections += [self._build_summary(), self._build_timeline(), self._build_own_team()]
        sections += [self._build_ballot(), self._build_results()]
        self.children = sections
        self.sync()

    # --- plumbing -----------------------------------------------------------------------

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Set widgets from the model without their observers treating it as an edit."""
        before, self._syncing = self._syncing, True
        try:
            yield
        finally:
            self._syncing = before

    def _debounce(self, key: str, action: Callable[[], None]) -> None:
        """Run ``action`` when typing in field ``key`` pauses (the latest action wins)."""
        self._actions[key] = action
        self.save_state.set("pending")
        if key not in self._debouncers:
            self._debouncers[key] = Debouncer(lambda k=key: self._fire(k))
        self._debouncers[key]()

    def _fire(self, key: str) -> None:
        action = self._actions.pop(key, None)
        if action is not None:
            action()

    def flush(self) -> None:
        """Save every edit still waiting for typing to pause."""
        for debouncer in list(self._debouncers.values()):
            debouncer.flush()

    def _commit(
        self,
        action: Callable[[], Any],
        error_line: w.HTML | None = None,
        after: Callable[[], None] | None = None,
    ) -> bool:
        """Run one model edit: show the save state, and any problem in words where it belongs."""
        self.save_state.set("saving")
        try:
            action()
        except Conflict as error:
            self.save_state.failed(error)
            self._show_conflict(str(error))
            return False
        except (KitInputError, PermissionDenied) as error:
            self.save_state.failed(error)
            if error_line is not None:
                set_field_error(error_line, str(error))
            else:
                self.alert.show(str(error))
            return False
        except Exception as error:  # never a traceback on the page
            log.exception("saving in the set-up app failed")
            self.save_state.failed(error)
            self.alert.show(message_for(error))
            return False
        if error_line is not None:
            set_field_error(error_line, None)
        self.save_state.saved()
        if after is not None:
            try:
                after()
            except Exception as error:
                log.exception("refreshing the set-up app failed")
                self.alert.show(message_for(error))
        return True

    # --- conflict -----------------------------------------------------------------------

    def _build_conflict(self) -> None:
        self.conflict_message = w.HTML()
        self.reload_button = _classed(
            w.Button(
                description="Reload the latest version", button_style="warning", icon="refresh"
            ),
            "kit-setup-reload",
        )
        self.reload_button.on_click(self._on_reload)
        self.conflict_box = _classed(
            w.HBox([self.conflict_message, self.reload_button], layout=w.Layout(display="none")),
            "kit-setup-conflict",
        )

    def _show_conflict(self, text: str) -> None:
        self.conflict_message.value = (
            f"<div role='alert' style='color:#b3261e;margin-right:8px'>{html.escape(text)}</div>"
        )
        self.conflict_box.layout.display = "flex"

    @guarded()
    def _on_reload(self, _button: w.Button) -> None:
        self._actions.clear()
        self.model.reload()
        self.conflict_box.layout.display = "none"
        self.sync()
        self.save_state.set("idle")
        self.alert.show("Reloaded: you now see the latest saved version.", "info")

    def sync(self) -> None:
        """Show the model's state in every widget (after loading or reloading)."""
        with self._quiet():
            if self.model.is_facilitator:
                self._sync_charter()
                self._sync_faculty()
                self._sync_timeline_inputs()
                self._sync_enrolment()
                self._sync_candidates()
                self._sync_weights()
            else:
                self._sync_summary()
                self._sync_own_team()
            self._sync_timeline_view()
            self._sync_ballot()
        self._refresh_results()

    # --- charter (facilitator) ------------------------------------------------------------

    def _build_charter(self) -> w.Widget:
        specs = [
            ("name", "Name", w.Text, "e.g. Safer Wards Falls Collaborative"),
            ("topic", "Topic", w.Text, "The one topic the collaborative works on"),
            ("aim", "Collaborative aim", w.Textarea, "What, how much, by when, for whom, where"),
            ("sponsor", "Sponsor", w.Text, "Who sponsors and funds the collaborative"),
        ]
        self.charter_inputs: dict[str, w.Widget] = {}
        self.charter_errors: dict[str, w.HTML] = {}
        rows = []
        for field, label, cls, placeholder in specs:
            box = _classed(
                cls(description=label, placeholder=placeholder, layout=w.Layout(width="70%")),
                f"kit-setup-{field}",
            )
            box.style.description_width = "140px"
            error = field_error(box)
            box.observe(lambda change, f=field: self._on_charter_change(f), names="value")
            self.charter_inputs[field], self.charter_errors[field] = box, error
            rows.append(w.HBox([box, error]))

        self.faculty_rows = _classed(w.VBox(), "kit-setup-faculty")
        self.faculty_error = field_error(self.faculty_rows)
        self.faculty_new_name = _classed(
            w.Text(placeholder="Name", layout=w.Layout(width="240px")), "kit-setup-faculty-new-name"
        )
        self.faculty_new_role = _classed(
            w.Dropdown(
                options=[(v, k) for k, v in FACULTY_ROLES.items()],
                value="expert",
                layout=w.Layout(width="200px"),
            ),
            "kit-setup-faculty-new-role",
        )
        add = self.faculty_add_button = _classed(
            w.Button(description="Add to faculty", icon="plus"), "kit-setup-faculty-add"
        )
        add.on_click(self._on_add_faculty)
        return _classed(
            w.VBox(
                [
                    _heading(
                        "Charter",
                        "The collaborative's name, its one topic, its aim and who sponsors it.",
                    ),
                    *rows,
                    w.HTML(
                        "<b>Faculty</b>: a chair, 5-8 experts, an improvement advisor (owns the "
                        "measurement system) and a director (logistics, calls)."
                    ),
                    self.faculty_rows,
                    w.HBox([self.faculty_new_name, self.faculty_new_role, add, self.faculty_error]),
                ]
            ),
            "kit-setup-charter",
        )

    def _sync_charter(self) -> None:
        record = self.model.collaborative.record
        for field, box in self.charter_inputs.items():
            box.value = getattr(record, field)
            set_field_error(self.charter_errors[field], None)

    def _on_charter_change(self, field: str) -> None:
        if self._syncing:
            return
        self._debounce(f"charter-{field}", lambda: self._save_charter(field))

    def _save_charter(self, field: str) -> None:
        value = self.charter_inputs[field].value
        self._commit(
            lambda: self.model.update_charter(**{field: value}), self.charter_errors[field]
        )

    def _sync_faculty(self) -> None:
        rows = []
        for index, (name, role) in enumerate(self.model.faculty):
            name_box = _classed(
                w.Text(value=name, layout=w.Layout(width="240px")), "kit-setup-faculty-name"
            )
            role_box = _classed(
                w.Dropdown(
                    options=[(v, k) for k, v in FACULTY_ROLES.items()],
                    value=role,
                    layout=w.Layout(width="200px"),
                ),
                "kit-setup-faculty-role",
            )
            remove = _classed(
                w.Button(description="Remove", icon="trash", layout=w.Layout(width="100px")),
                "kit-setup-faculty-remove",
            )
            name_box.observe(
                lambda change, i=index: self._on_faculty_edit(i, name=change["new"]), names="value"
            )
            role_box.observe(
                lambda change, i=index: self._on_faculty_edit(i, role=change["new"]), names="value"
            )
            remove.on_click(lambda _b, i=index: self._on_remove_faculty(i))
            rows.append(w.HBox([name_box, role_box, remove]))
        self.faculty_rows.children = rows

    def _on_faculty_edit(self, index: int, **fields: str) -> None:
        if self._syncing:
            return
        if "role" in fields:
            self._commit(
                lambda: self.model.update_faculty_member(index, **fields), self.faculty_error
            )
            return
        self._debounce(
            f"faculty-{index}",
            lambda: self._commit(
                lambda: self.model.update_faculty_member(index, **fields), self.faculty_error
            ),
        )

    @guarded()
    def _on_add_faculty(self, _button: w.Button) -> None:
        self.flush()
        name, role = self.faculty_new_name.value, self.faculty_new_role.value

        def refresh() -> None:
            with self._quiet():
                self.faculty_new_name.value = ""
                self._sync_faculty()

        self._commit(lambda: self.model.add_faculty_member(name, role), self.faculty_error, refresh)

    def _on_remove_faculty(self, index: int) -> None:
        self.flush()
        self._commit(
            lambda: self.model.remove_faculty_member(index),
            self.faculty_error,
            lambda: self._with_quiet(self._sync_faculty),
        )

    def _with_quiet(self, action: Callable[[], None]) -> None:
        with self._quiet():
            action()

    # --- read-only charter and team (participants) ------------------------------------------

    def _build_summary(self) -> w.Widget:
        self.summary = _classed(w.HTML(), "kit-setup-summary")
        return w.VBox([_heading("The collaborative"), self.summary])

    def _sync_summary(self) -> None:
        record = self.model.collaborative.record
        faculty = ", ".join(
            f"{html.escape(f.name)} ({FACULTY_ROLES[str(f.role)].lower()})" for f in record.faculty
        )
        rows = [
            ("Name", html.escape(record.name)),
            ("Topic", html.escape(record.topic) or "<i>not chosen yet</i>"),
            ("Collaborative aim", html.escape(record.aim) or "<i>not written yet</i>"),
            ("Sponsor", html.escape(record.sponsor)),
            ("Faculty", faculty),
        ]
        self.summary.value = (
            "<table cellpadding='3'>"
            + "".join(
                f"<tr><th align='left' valign='top'>{k}</th><td>{v}</td></tr>" for k, v in rows
            )
            + "</table>"
        )

    def _build_own_team(self) -> w.Widget:
        self.own_team = _classed(w.HTML(), "kit-setup-own-team")
        return w.VBox([_heading("Your team"), self.own_team])

    def _sync_own_team(self) -> None:
        team_id = self.model.identity.team_id
        if team_id not in self.model.teams:
            self.own_team.value = "<p>Your team's details are not available.</p>"
            return
        team = self.model.team(team_id)
        members = (
            "".join(
                f"<li>{html.escape(m.name)}: {html.escape(TEAM_ROLES[str(m.role)])}</li>"
                for m in team.members
            )
            or "<li><i>no members yet</i></li>"
        )
        warnings = self.model.team_warnings(team_id)
        self.own_team.value = (
            f"<p><b>{html.escape(team.name)}</b>, {html.escape(team.organisation)}</p>"
            f"<ul>{members}</ul>{_warning_html(warnings)}"
            "<p style='color:#44546a'>Your facilitator keeps this list; ask them to add or "
            "change a member.</p>"
        )

    # --- timeline -------------------------------------------------------------------------

    def _build_timeline(self) -> w.Widget:
        from jupyter_bokeh import BokehModel

        self.timeline_figure = timeline_chart(self.model.milestones)
        self.timeline_chart = _classed(
            BokehModel(self.timeline_figure), "kit-chart", "kit-setup-timeline-chart"
        )
        self.timeline_warnings = _classed(w.HTML(), "kit-setup-timeline-warnings")
        parts: list[w.Widget] = [
            _heading(
                "Timeline",
                "Prework, three learning sessions with action periods between them, and a "
                "closing congress: most collaboratives last 6 to 18 months.",
            )
        ]
        self.date_inputs: dict[str, tuple[w.DatePicker, w.DatePicker]] = {}
        self.clear_buttons: dict[str, w.Button] = {}
        if self.model.is_facilitator:
            self.timeline_error = _classed(
                field_error(self.timeline_chart), "kit-setup-timeline-error"
            )
            rows = []
            for slot in MILESTONE_SLOTS:
                start = _classed(
                    w.DatePicker(description="from", layout=w.Layout(width="230px")),
                    f"kit-setup-start-{slot.key}",
                )
                end = _classed(
                    w.DatePicker(description="to", layout=w.Layout(width="230px")),
                    f"kit-setup-end-{slot.key}",
                )
                start.style.description_width = "40px"
                end.style.description_width = "30px"
                clear = _classed(
                    w.Button(description="Clear", layout=w.Layout(width="80px")),
                    f"kit-setup-clear-{slot.key}",
                )
                start.observe(lambda _c, s=slot: self._on_date_change(s, "start"), names="value")
                end.observe(lambda _c, s=slot: self._on_date_change(s, "end"), names="value")
                clear.on_click(lambda _b, s=slot: self._on_clear_milestone(s))
                label = w.HTML(f"<b>{html.escape(slot.label)}</b>", layout=w.Layout(width="150px"))
                rows.append(_classed(w.HBox([label, start, end, clear]), "kit-setup-milestone"))
                self.date_inputs[slot.key] = (start, end)
                self.clear_buttons[slot.key] = clear
            parts += [*rows, self.timeline_error]
        parts += [self.timeline_warnings, self.timeline_chart]
        return _classed(w.VBox(parts), "kit-setup-timeline")

    def _sync_timeline_inputs(self) -> None:
        for slot in MILESTONE_SLOTS:
            milestone = self.model.milestone(slot.kind, slot.number)
            start, end = self.date_inputs[slot.key]
            start.value = milestone.start if milestone else None
            end.value = milestone.end if milestone else None
        set_field_error(self.timeline_error, None)

    def _sync_timeline_view(self) -> None:
        update_timeline(self.timeline_figure, self.model.milestones)
        self.timeline_warnings.value = _warning_html(self.model.timeline_warnings())

    def _on_date_change(self, slot: Slot, which: str) -> None:
        if self._syncing:
            return
        start_box, end_box = self.date_inputs[slot.key]
        start, end = start_box.value, end_box.value
        if which == "start" and start is not None and end is None:
            with self._quiet():  # a one-day event until the end date is chosen
                end_box.value = end = start
        if start is None and end is None:
            return  # cleared one by one: the Clear button removes the milestone
        self._commit(
            lambda: self.model.set_milestone(slot.kind, slot.number, start, end),
            self.timeline_error,
            lambda: self._with_quiet(self._sync_timeline_view),
        )

    def _on_clear_milestone(self, slot: Slot) -> None:
        def refresh() -> None:
            with self._quiet():
                start, end = self.date_inputs[slot.key]
                start.value = end.value = None
                self._sync_timeline_view()

        self._commit(
            lambda: self.model.set_milestone(slot.kind, slot.number, None, None),
            self.timeline_error,
            refresh,
        )

    # --- enrolment (facilitator) ------------------------------------------------------------

    def _build_enrolment(self) -> w.Widget:
        self.teams_table = _classed(w.HTML(), "kit-setup-teams")
        self.team_new_name = _classed(
            w.Text(placeholder="Team name", layout=w.Layout(width="260px")),
            "kit-setup-team-new-name",
        )
        self.team_new_org = _classed(
            w.Text(placeholder="Organisation", layout=w.Layout(width="260px")),
            "kit-setup-team-new-org",
        )
        add = self.team_add_button = _classed(
            w.Button(description="Enrol team", icon="plus"), "kit-setup-team-add"
        )
        add.on_click(self._on_add_team)
        self.team_add_error = field_error(add)

        self.team_select = _classed(
            w.Dropdown(description="Edit team", layout=w.Layout(width="420px")),
            "kit-setup-team-select",
        )
        self.team_select.observe(self._on_team_select, names="value")
        self.team_name = _classed(
            w.Text(description="Name", layout=w.Layout(width="420px")), "kit-setup-team-name"
        )
        self.team_org = _classed(
            w.Text(description="Organisation", layout=w.Layout(width="420px")),
            "kit-setup-team-org",
        )
        self.team_error = field_error(self.team_name)
        self.team_name.observe(lambda _c: self._on_team_field("name"), names="value")
        self.team_org.observe(lambda _c: self._on_team_field("organisation"), names="value")
        self.member_rows = _classed(w.VBox(), "kit-setup-members")
        self.member_new_name = _classed(
            w.Text(placeholder="Member's name", layout=w.Layout(width="220px")),
            "kit-setup-member-new-name",
        )
        self.member_new_role = _classed(
            w.Dropdown(
                options=[(v, k) for k, v in TEAM_ROLES.items()],
                value="senior_leader",
                layout=w.Layout(width="260px"),
            ),
            "kit-setup-member-new-role",
        )
        add_member = self.member_add_button = _classed(
            w.Button(description="Add member", icon="user-plus"), "kit-setup-member-add"
        )
        add_member.on_click(self._on_add_member)
        self.member_error = field_error(self.member_rows)
        self.team_warning = _classed(w.HTML(), "kit-setup-team-warning")
        new_code = _classed(
            w.Button(description="New join code", icon="key"), "kit-setup-team-new-code"
        )
        new_code.on_click(self._on_new_code)
        self.remove_team_button = _classed(
            w.Button(description="Remove this team", icon="trash", button_style="danger"),
            "kit-setup-team-remove",
        )
        self.remove_team_button.on_click(self._on_remove_team)
        self.team_editor = _classed(
            w.VBox(
                [
                    w.HBox([self.team_name, self.team_error]),
                    self.team_org,
                    w.HTML(
                        "<b>Members</b> (every team needs a senior leader, a technical "
                        "expert and a day-to-day leader)"
                    ),
                    self.member_rows,
                    w.HBox(
                        [self.member_new_name, self.member_new_role, add_member, self.member_error]
                    ),
                    self.team_warning,
                    w.HBox([new_code, self.remove_team_button]),
                ],
                layout=w.Layout(border="1px solid #c9d6e3", padding="6px", margin="4px 0"),
            ),
            "kit-setup-team-editor",
        )
        return _classed(
            w.VBox(
                [
                    _heading(
                        "Enrolment",
                        "Teams, their organisations and members with their BTS roles. Hand each "
                        "team its join code: they type it on the start page.",
                    ),
                    self.teams_table,
                    w.HBox([self.team_new_name, self.team_new_org, add, self.team_add_error]),
                    self.team_select,
                    self.team_editor,
                ]
            ),
            "kit-setup-enrolment",
        )

    def _sync_enrolment(self) -> None:
        codes = self.model.join_codes()
        rows = []
        for team_id, saved in self.model.teams.items():
            team = saved.record
            missing = team.missing_roles()
            roles = (
                f"<span style='color:#8a5a00'>⚠ missing: {html.escape(', '.join(missing))}</span>"
                if missing
                else "<span style='color:#1e6b35'>✓ all three roles</span>"
            )
            rows.append(
                f"<tr class='kit-setup-team-row'><td>{html.escape(team.name)}</td>"
                f"<td>{html.escape(team.organisation)}</td><td>{len(team.members)}</td>"
                f"<td><code class='kit-join-code'>{html.escape(codes.get(team_id, ''))}</code></td>"
                f"<td>{roles}</td></tr>"
            )
        self.teams_table.value = (
            f"<p><b>{len(rows)} team{'s' if len(rows) != 1 else ''} enrolled</b></p>"
            "<table style='border-collapse:collapse' cellpadding='4'><tr><th align='left'>Team</th>"
            "<th align='left'>Organisation</th><th align='left'>Members</th>"
            "<th align='left'>Join code</th><th align='left'>BTS roles</th></tr>"
            + "".join(rows)
            + "</table>"
        )
        options = [(s.record.name, tid) for tid, s in self.model.teams.items()]
        current = self.team_select.value
        self.team_select.options = options
        ids = [tid for _, tid in options]
        self.team_select.value = current if current in ids else (ids[0] if ids else None)
        self._sync_team_editor()

    def _sync_team_editor(self) -> None:
        team_id = self.team_select.value
        self._remove_armed = None
        self.remove_team_button.description = "Remove this team"
        if team_id is None or team_id not in self.model.teams:
            self.team_editor.layout.display = "none"
            return
        self.team_editor.layout.display = "flex"
        team = self.model.team(team_id)
        self.team_name.value, self.team_org.value = team.name, team.organisation
        set_field_error(self.team_error, None)
        set_field_error(self.member_error, None)
        rows = []
        for index, member in enumerate(team.members):
            name = _classed(
                w.Text(value=member.name, layout=w.Layout(width="220px")), "kit-setup-member-name"
            )
            role = _classed(
                w.Dropdown(
                    options=[(v, k) for k, v in TEAM_ROLES.items()],
                    value=str(member.role),
                    layout=w.Layout(width="260px"),
                ),
                "kit-setup-member-role",
            )
            email = _classed(
                w.Text(
                    value=member.email,
                    placeholder="email (optional)",
                    layout=w.Layout(width="220px"),
                ),
                "kit-setup-member-email",
            )
            remove = _classed(
                w.Button(description="Remove", icon="trash", layout=w.Layout(width="100px")),
                "kit-setup-member-remove",
            )
            name.observe(
                lambda c, i=index: self._on_member_edit(i, "name", c["new"]), names="value"
            )
            role.observe(
                lambda c, i=index: self._on_member_edit(i, "role", c["new"]), names="value"
            )
            email.observe(
                lambda c, i=index: self._on_member_edit(i, "email", c["new"]), names="value"
            )
            remove.on_click(lambda _b, i=index: self._on_remove_member(i))
            rows.append(_classed(w.HBox([name, role, email, remove]), "kit-setup-member"))
        self.member_rows.children = rows
        self.team_warning.value = _warning_html(self.model.team_warnings(team_id))

    def _refresh_enrolment(self) -> None:
        with self._quiet():
            self._sync_enrolment()

    def _on_team_select(self, _change: dict) -> None:
        if self._syncing:
            return
        self.flush()
        with self._quiet():
            self._sync_team_editor()

    @guarded()
    def _on_add_team(self, _button: w.Button) -> None:
        self.flush()
        name, organisation = self.team_new_name.value, self.team_new_org.value
        added: list[str] = []

        def refresh() -> None:
            with self._quiet():
                self.team_new_name.value = self.team_new_org.value = ""
                self.team_select.value = None
                self._sync_enrolment()
                self.team_select.value = added[0]
                self._sync_team_editor()

        self._commit(
            lambda: added.append(self.model.add_team(name, organisation)),
            self.team_add_error,
            refresh,
        )

    def _on_team_field(self, field: str) -> None:
        if self._syncing or self.team_select.value is None:
            return
        team_id = self.team_select.value
        box = self.team_name if field == "name" else self.team_org
        self._debounce(
            f"team-{team_id}-{field}",
            lambda: self._commit(
                lambda: self.model.update_team(team_id, **{field: box.value}),
                self.team_error,
                self._refresh_enrolment,
            ),
        )

    def _on_member_edit(self, index: int, field: str, value: str) -> None:
        if self._syncing or self.team_select.value is None:
            return
        team_id = self.team_select.value

        def save() -> None:
            self._commit(
                lambda: self.model.update_member(team_id, index, **{field: value}),
                self.member_error,
                self._refresh_enrolment if field == "role" else None,
            )

        if field == "role":
            save()
        else:
            self._debounce(f"member-{team_id}-{index}-{field}", save)

    @guarded()
    def _on_add_member(self, _button: w.Button) -> None:
        self.flush()
        team_id = self.team_select.value
        if team_id is None:
            raise KitInputError("Enrol a team first, then add its members.")
        name, role = self.member_new_name.value, self.member_new_role.value

        def refresh() -> None:
            with self._quiet():
                self.member_new_name.value = ""
            self._refresh_enrolment()

        self._commit(lambda: self.model.add_member(team_id, name, role), self.member_error, refresh)

    def _on_remove_member(self, index: int) -> None:
        self.flush()
        team_id = self.team_select.value
        self._commit(
            lambda: self.model.remove_member(team_id, index),
            self.member_error,
            self._refresh_enrolment,
        )

    @guarded()
    def _on_new_code(self, _button: w.Button) -> None:
        team_id = self.team_select.value
        if team_id is None:
            return
        self._commit(lambda: self.model.new_join_code(team_id), None, self._refresh_enrolment)

    @guarded()
    def _on_remove_team(self, _button: w.Button) -> None:
        team_id = self.team_select.value
        if team_id is None:
            return
        if self._remove_armed != team_id:  # a second click confirms
            self._remove_armed = team_id
            name = self.model.team(team_id).name
            self.remove_team_button.description = f"Click again to remove {name[:30]}"
            return
        self.flush()
        self._commit(
            lambda: self.model.remove_team(team_id), self.team_error, self._refresh_enrolment
        )

    # --- topics and weights (facilitator) ---------------------------------------------------

    def _build_topics(self) -> w.Widget:
        self.candidate_rows = _classed(w.VBox(), "kit-setup-candidates")
        self.candidate_error = field_error(self.candidate_rows)
        self.candidate_new = _classed(
            w.Text(
                placeholder="A candidate topic, e.g. Sepsis recognition",
                layout=w.Layout(width="360px"),
            ),
            "kit-setup-candidate-new",
        )
        add = self.candidate_add_button = _classed(
            w.Button(description="Add topic", icon="plus"), "kit-setup-candidate-add"
        )
        add.on_click(self._on_add_candidate)
        self.weight_inputs: dict[str, w.FloatText] = {}
        self.weight_errors: dict[str, w.HTML] = {}
        self.weight_rows = _classed(w.VBox(), "kit-setup-weights")
        return _classed(
            w.VBox(
                [
                    _heading(
                        "Topic selection: candidates and criteria",
                        "List the candidate topics, then say how much each criterion counts "
                        "(weights 0 to 10; only their proportions matter).",
                    ),
                    self.candidate_rows,
                    w.HBox([self.candidate_new, add, self.candidate_error]),
                    w.HTML("<b>Criteria and weights</b>"),
                    self.weight_rows,
                ]
            ),
            "kit-setup-topics",
        )

    def _sync_candidates(self) -> None:
        rows = []
        for candidate_id, saved in self.model.candidates.items():
            title = _classed(
                w.Text(value=saved.record.title, layout=w.Layout(width="360px")),
                "kit-setup-candidate-title",
            )
            remove = _classed(
                w.Button(description="Remove", icon="trash", layout=w.Layout(width="100px")),
                "kit-setup-candidate-remove",
            )
            title.observe(
                lambda c, i=candidate_id: self._on_rename_candidate(i, c["new"]), names="value"
            )
            remove.on_click(lambda _b, i=candidate_id: self._on_remove_candidate(i))
            rows.append(_classed(w.HBox([title, remove]), "kit-setup-candidate"))
        self.candidate_rows.children = rows

    def _sync_weights(self) -> None:
        rows = []
        self.weight_inputs.clear()
        self.weight_errors.clear()
        for criterion in self.model.criteria:
            box = _classed(
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
        with self._quiet():
            self._sync_candidates()
            self._sync_ballot()
        self._refresh_results()

    @guarded()
    def _on_add_candidate(self, _button: w.Button) -> None:
        self.flush()
        title = self.candidate_new.value

        def refresh() -> None:
            with self._quiet():
                self.candidate_new.value = ""
            self._after_topics_change()

        self._commit(lambda: self.model.add_candidate(title), self.candidate_error, refresh)

    def _on_rename_candidate(self, candidate_id: str, title: str) -> None:
        if self._syncing:
            return

        def refresh() -> None:
            with self._quiet():
                self._sync_ballot()
            self._refresh_results()

        self._debounce(
            f"candidate-{candidate_id}",
            lambda: self._commit(
                lambda: self.model.rename_candidate(candidate_id, title),
                self.candidate_error,
                refresh,
            ),
        )

    def _on_remove_candidate(self, candidate_id: str) -> None:
        self.flush()
        self._commit(
            lambda: self.model.remove_candidate(candidate_id),
            self.candidate_error,
            self._after_topics_change,
        )

    def _on_weight_change(self, key: str) -> None:
        if self._syncing:
            return
        box = self.weight_inputs[key]
        self._debounce(
            f"weight-{key}",
            lambda: self._commit(
                lambda: self.model.set_weight(key, box.value),
                self.weight_errors[key],
                self._refresh_results,
            ),
        )

    # --- ballot (everyone) -------------------------------------------------------------------

    def _build_ballot(self) -> w.Widget:
        self.voter = _classed(
            w.Text(
                description="Your name",
                placeholder="Type your name to start your ballot",
                layout=w.Layout(width="420px"),
            ),
            "kit-setup-voter",
        )
        self.voter_error = field_error(self.voter)
        self.voter.observe(self._on_voter_change, names="value")
        self.ballot_rows = _classed(w.VBox(), "kit-setup-ballot")
        self.score_inputs: dict[tuple[str, str], w.Dropdown] = {}
        self.criteria_help = w.HTML(self._criteria_help_html())
        return _classed(
            w.VBox(
                [
                    _heading(
                        "Your ballot",
                        "Score every candidate topic from 1 (weak) to 5 (strong) on each "
                        "criterion. Your ballot is your own: it is saved under your name.",
                    ),
                    w.HBox([self.voter, self.voter_error]),
                    self.criteria_help,
                    self.ballot_rows,
                ]
            ),
            "kit-setup-ballot-section",
        )

    def _criteria_help_html(self) -> str:
        items = []
        for info in self.model.criteria_help().values():
            anchors = info["anchors"]
            items.append(
                f"<li><b>{html.escape(info['label'])}</b>: {html.escape(info['question'])} "
                f"<span style='color:#44546a'>(1: {html.escape(anchors[1])} 5: "
                f"{html.escape(anchors[5])})</span></li>"
            )
        return (
            "<details class='kit-setup-criteria-help'><summary>How to score each criterion"
            f"</summary><ul>{''.join(items)}</ul></details>"
        )

    def _sync_ballot(self) -> None:
        criteria = self.model.criteria
        header = w.HBox(
            [w.HTML("<b>Topic</b>", layout=w.Layout(width="220px"))]
            + [
                w.HTML(
                    f"<b title='{html.escape(c.label)}'>{html.escape(c.label)}</b>",
                    layout=w.Layout(width="130px"),
                )
                for c in criteria
            ]
        )
        scores = self.model.my_scores()
        rows: list[w.Widget] = [header]
        self.score_inputs.clear()
        for candidate_id, saved in self.model.candidates.items():
            cells: list[w.Widget] = [
                w.HTML(f"{html.escape(saved.record.title)}", layout=w.Layout(width="220px"))
            ]
            for criterion in criteria:
                value = scores.get(candidate_id, {}).get(criterion.key, NO_SCORE)
                box = _classed(
                    w.Dropdown(
                        options=_SCORE_OPTIONS,
                        value=value,
                        tooltip=criterion.label,
                        layout=w.Layout(width="130px"),
                    ),
                    "kit-setup-score",
                    f"kit-setup-score-{criterion.key}",
                )
                box.observe(
                    lambda c, i=candidate_id, k=criterion.key: self._on_score(i, k, c["new"]),
                    names="value",
                )
                self.score_inputs[(candidate_id, criterion.key)] = box
                cells.append(box)
            rows.append(_classed(w.HBox(cells), "kit-setup-ballot-row"))
        if not self.model.candidates:
            rows = [w.HTML("<p><i>No candidate topics yet.</i></p>")]
        self.ballot_rows.children = rows
        self.voter.value = self.model.voter

    def _on_voter_change(self, _change: dict) -> None:
        if self._syncing:
            return
        name = self.voter.value

        def load() -> None:
            if not name.strip():
                return
            ok = self._commit(lambda: self.model.use_ballot(name), self.voter_error)
            if ok:
                with self._quiet():
                    self._sync_ballot_values()
                self._refresh_results()
                self.save_state.set("idle")

        self._debounce("voter", load)

    def _sync_ballot_values(self) -> None:
        scores = self.model.my_scores()
        for (candidate_id, key), box in self.score_inputs.items():
            box.value = scores.get(candidate_id, {}).get(key, NO_SCORE)

    def _on_score(self, candidate_id: str, key: str, value: int) -> None:
        if self._syncing:
            return
        self.flush()  # the name typed last decides whose ballot this is
        ok = self._commit(
            lambda: self.model.cast_vote(self.voter.value, candidate_id, key, value or None),
            self.voter_error,
            self._refresh_results,
        )
        if not ok:
            with self._quiet():
                self._sync_ballot_values()

    # --- results (everyone) --------------------------------------------------------------------

    def _build_results(self) -> w.Widget:
        from jupyter_bokeh import BokehModel

        result = self._safe_results() or _empty_result()
        self.ratings_figure = ratings_chart(result, **self.model.chart_options())
        self.ratings_chart = _classed(
            BokehModel(self.ratings_figure), "kit-chart", "kit-setup-ratings-chart"
        )
        self.ranking = _classed(w.HTML(), "kit-setup-ranking")
        refresh = _classed(
            w.Button(description="Refresh results", icon="refresh"), "kit-setup-results-refresh"
        )
        refresh.on_click(self._on_refresh_results)
        return _classed(
            w.VBox(
                [
                    _heading(
                        "Results",
                        "Topics ranked by their weighted score (1 to 5) over every ballot, with "
                        "advice from the degree of belief that the changes work.",
                    ),
                    refresh,
                    self.ranking,
                    self.ratings_chart,
                ]
            ),
            "kit-setup-results",
        )

    def _safe_results(self) -> Any:
        try:
            return self.model.results()
        except KitInputError as error:
            self._results_problem = str(error)
            return None

    @guarded()
    def _on_refresh_results(self, _button: w.Button) -> None:
        self.flush()
        self.model.reload()
        self.sync()

    def _refresh_results(self) -> None:
        self._results_problem = ""
        result = self._safe_results()
        if result is None:
            self.ranking.value = (
                f"<p class='kit-setup-results-problem' style='color:#b3261e'>"
                f"{html.escape(self._results_problem)}</p>"
            )
            return
        # the warnings name voters, so only the facilitator sees them
        self.ranking.value = _ranking_html(result, show_warnings=self.model.is_facilitator)
        update_ratings(self.ratings_figure, result, **self.model.chart_options())


def _empty_result() -> Any:
    from kit.qi.topics import TopicResult

    return TopicResult(candidates=[], ratings=[], weights={}, n_ballots=0)


_VERDICT_COLOURS = {"ready": "#1e6b35", "develop_first": "#8a5a00", "no_votes": "#44546a"}


def _ranking_html(result: Any, *, show_warnings: bool = True) -> str:
    if not result.candidates:
        return "<p><i>No candidate topics yet.</i></p>"
    rows = []
    for c in result.candidates:
        colour = _VERDICT_COLOURS.get(c.readiness.verdict, "#44546a")
        score = "–" if c.score is None else f"{c.score:.2f}"
        rank = "–" if c.rank is None else str(c.rank)
        rows.append(
            f"<tr class='kit-setup-rank-row'><td class='kit-setup-rank'>{rank}</td>"
            f"<td class='kit-setup-rank-topic'><b>{html.escape(c.title)}</b></td>"
            f"<td class='kit-setup-rank-score'>{score}</td><td>{c.n_voters}</td>"
            f"<td class='kit-setup-readiness' style='color:{colour}'>"
            f"<b>{html.escape(c.readiness.label)}</b><br>"
            f"<span style='font-size:90%'>{html.escape(c.readiness.reason)}</span></td></tr>"
        )
    warnings = _warning_html(result.warnings, "kit-setup-results-warnings") if show_warnings else ""
    return (
        f"<p>{result.n_ballots} ballot{'s' if result.n_ballots != 1 else ''} cast.</p>"
        "<table class='kit-setup-ranking-table' style='border-collapse:collapse' cellpadding='5'>"
        "<tr><th align='left'>Rank</th><th align='left'>Topic</th>"
        "<th align='left'>Weighted score</th><th align='left'>Voters</th>"
        "<th align='left'>Advice</th></tr>" + "".join(rows) + f"</table>{warnings}"
    )


def build(context: AppContext) -> w.Widget:
    return SetupView(context, SetupModel(context.store, context.identity))


def app(store: Any = None, params: dict[str, str] | None = None) -> AppShell:
    """The set-up and topic-selection app; ``params`` stands in for the query string in tests."""
    shell = AppShell(
        "Set-up and topic selection", build, audience="everyone", store=store, css_name="setup"
    )
    if params is not None:
        return shell.start(params)
    return run(shell, uses_bokeh=True)
