"""Enrolment: the teams with their join codes, and one team's editor (facilitator); a
participant sees their own team, read-only."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from kit.errors import KitInputError
from kit.steps.setup.model import TEAM_ROLES
from kit.steps.setup.view.section import Section, heading, warning_html
from kit.ui.step import edit_handler
from kit.ui.widgets import classed, field_error, guarded, set_field_error

if TYPE_CHECKING:
    from kit.steps.setup.view import SetupView


#: labels as wide as their words: the default width cut "Organisation" to "Organisati…"
#: (issue 10)
_LABEL = {"description_width": "initial"}


def _role_options() -> list[tuple[str, str]]:
    return [(label, key) for key, label in TEAM_ROLES.items()]


class EnrolmentSection(Section):
    """Teams, their organisations and members with their BTS roles, and the join codes."""

    def __init__(self, page: SetupView) -> None:
        super().__init__(page, "kit-setup-enrolment")
        self._remove_armed: str | None = None
        self.teams_table = classed(w.HTML(), "kit-setup-teams")
        self.team_new_name = classed(
            w.Text(placeholder="Team name", layout=w.Layout(width="260px")),
            "kit-setup-team-new-name",
        )
        self.team_new_org = classed(
            w.Text(placeholder="Organisation", layout=w.Layout(width="260px")),
            "kit-setup-team-new-org",
        )
        add = self.team_add_button = classed(
            w.Button(description="Enrol team", icon="plus"), "kit-setup-team-add"
        )
        add.on_click(self._on_add_team)
        self.team_add_error = field_error(add)
        self.team_select = classed(
            w.Dropdown(description="Edit team", layout=w.Layout(width="420px"), style=_LABEL),
            "kit-setup-team-select",
        )
        self.team_select.observe(self._on_team_select, names="value")
        self.team_editor = self._build_editor()
        self.children = [
            heading(
                "Enrolment",
                "Teams, their organisations and members with their BTS roles. Hand each "
                "team its join code: they type it on the start page.",
            ),
            self.teams_table,
            w.HBox([self.team_new_name, self.team_new_org, add, self.team_add_error]),
            self.team_select,
            self.team_editor,
        ]

    def _build_editor(self) -> w.Widget:
        self.team_name = classed(
            w.Text(description="Name", layout=w.Layout(width="420px"), style=_LABEL),
            "kit-setup-team-name",
        )
        self.team_org = classed(
            w.Text(description="Organisation", layout=w.Layout(width="420px"), style=_LABEL),
            "kit-setup-team-org",
        )
        self.team_error = field_error(self.team_name)
        self.team_name.observe(lambda _c: self._on_team_field("name"), names="value")
        self.team_org.observe(lambda _c: self._on_team_field("organisation"), names="value")
        self.member_rows = classed(w.VBox(), "kit-setup-members")
        self.member_new_name = classed(
            w.Text(placeholder="Member's name", layout=w.Layout(width="220px")),
            "kit-setup-member-new-name",
        )
        self.member_new_role = classed(
            w.Dropdown(
                options=_role_options(), value="senior_leader", layout=w.Layout(width="260px")
            ),
            "kit-setup-member-new-role",
        )
        add_member = self.member_add_button = classed(
            w.Button(description="Add member", icon="user-plus"), "kit-setup-member-add"
        )
        add_member.on_click(self._on_add_member)
        self.member_error = field_error(self.member_rows)
        self.team_warning = classed(w.HTML(), "kit-setup-team-warning")
        new_code = classed(
            w.Button(description="New join code", icon="key"), "kit-setup-team-new-code"
        )
        new_code.on_click(self._on_new_code)
        self.remove_team_button = classed(
            w.Button(
                description="Remove this team",
                icon="trash",
                button_style="danger",
                layout=w.Layout(width="auto"),  # "Click again to remove <team>" shown whole
            ),
            "kit-setup-team-remove",
        )
        self.remove_team_button.on_click(self._on_remove_team)
        return classed(
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
                ]
            ),
            "kit-panel",
            "kit-setup-team-editor",
        )

    # --- showing -------------------------------------------------------------------------

    def show(self) -> None:
        codes = self.model.join_codes()
        rows = []
        for team_id, saved in self.model.teams.items():
            team = saved.record
            missing = team.missing_roles()
            roles = (
                f"<span class='kit-warning'>⚠ missing: {html.escape(', '.join(missing))}</span>"
                if missing
                else "<span class='kit-good'>✓ all three roles</span>"
            )
            rows.append(
                f"<tr class='kit-setup-team-row'><td>{html.escape(team.name)}</td>"
                f"<td>{html.escape(team.organisation)}</td><td>{len(team.members)}</td>"
                f"<td><code class='kit-join-code'>{html.escape(codes.get(team_id, ''))}</code></td>"
                f"<td>{roles}</td></tr>"
            )
        self.teams_table.value = (
            f"<p><b>{len(rows)} team{'s' if len(rows) != 1 else ''} enrolled</b></p>"
            "<table class='kit-table' cellpadding='4'><tr><th align='left'>Team</th>"
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
        self._show_editor()

    def _show_editor(self) -> None:
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
        self.member_rows.children = [
            self._member_row(index, member) for index, member in enumerate(team.members)
        ]
        self.team_warning.value = warning_html(self.model.team_warnings(team_id))

    def _member_row(self, index: int, member: Any) -> w.Widget:
        name = classed(
            w.Text(value=member.name, layout=w.Layout(width="220px")), "kit-setup-member-name"
        )
        role = classed(
            w.Dropdown(
                options=_role_options(), value=str(member.role), layout=w.Layout(width="260px")
            ),
            "kit-setup-member-role",
        )
        email = classed(
            w.Text(
                value=member.email, placeholder="email (optional)", layout=w.Layout(width="220px")
            ),
            "kit-setup-member-email",
        )
        remove = classed(
            w.Button(description="Remove", icon="trash", layout=w.Layout(width="100px")),
            "kit-setup-member-remove",
        )
        name.observe(lambda c, i=index: self._on_member_edit(i, "name", c["new"]), names="value")
        role.observe(lambda c, i=index: self._on_member_edit(i, "role", c["new"]), names="value")
        email.observe(lambda c, i=index: self._on_member_edit(i, "email", c["new"]), names="value")
        remove.on_click(lambda _b, i=index: self._on_remove_member(i))
        return classed(w.HBox([name, role, email, remove]), "kit-setup-member")

    def _refresh(self) -> None:
        self.quietly(self.show)

    # --- handlers ------------------------------------------------------------------------

    @edit_handler
    def _on_team_select(self, _change: dict) -> None:
        self.page.flush()
        self.quietly(self._show_editor)

    @guarded()
    def _on_add_team(self, _button: w.Button) -> None:
        self.page.flush()
        name, organisation = self.team_new_name.value, self.team_new_org.value
        added: list[str] = []

        def refresh() -> None:
            with self.page.quiet():
                self.team_new_name.value = self.team_new_org.value = ""
                self.team_select.value = None
                self.show()
                self.team_select.value = added[0]
                self._show_editor()

        self.commit(
            lambda: added.append(self.model.add_team(name, organisation)),
            self.team_add_error,
            refresh,
        )

    @edit_handler
    def _on_team_field(self, field: str) -> None:
        team_id = self.team_select.value
        if team_id is None:
            return
        box = self.team_name if field == "name" else self.team_org
        self.page.autosave(
            f"team-{team_id}-{field}",
            lambda: self.commit(
                lambda: self.model.update_team(team_id, **{field: box.value}),
                self.team_error,
                self._refresh,
            ),
        )

    @edit_handler
    def _on_member_edit(self, index: int, field: str, value: str) -> None:
        team_id = self.team_select.value
        if team_id is None:
            return

        def save() -> None:
            self.commit(
                lambda: self.model.update_member(team_id, index, **{field: value}),
                self.member_error,
                self._refresh if field == "role" else None,
            )

        if field == "role":
            save()
        else:
            self.page.autosave(f"member-{team_id}-{index}-{field}", save)

    @guarded()
    def _on_add_member(self, _button: w.Button) -> None:
        self.page.flush()
        team_id = self.team_select.value
        if team_id is None:
            raise KitInputError("Enrol a team first, then add its members.")
        name, role = self.member_new_name.value, self.member_new_role.value

        def refresh() -> None:
            with self.page.quiet():
                self.member_new_name.value = ""
            self._refresh()

        self.commit(lambda: self.model.add_member(team_id, name, role), self.member_error, refresh)

    @guarded()
    def _on_remove_member(self, index: int) -> None:
        self.page.flush()
        team_id = self.team_select.value
        self.commit(
            lambda: self.model.remove_member(team_id, index), self.member_error, self._refresh
        )

    @guarded()
    def _on_new_code(self, _button: w.Button) -> None:
        team_id = self.team_select.value
        if team_id is None:
            return
        self.commit(lambda: self.model.new_join_code(team_id), None, self._refresh)

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
        self.page.flush()
        self.commit(lambda: self.model.remove_team(team_id), self.team_error, self._refresh)


class OwnTeamSection(Section):
    """A participant's own team: its members and what its roster lacks, read-only."""

    def __init__(self, page: SetupView) -> None:
        super().__init__(page, "kit-setup-own-team-section")
        self.details = classed(w.HTML(), "kit-setup-own-team")
        self.children = [heading("Your team"), self.details]

    def show(self) -> None:
        team_id = self.model.own_team_id
        if team_id not in self.model.teams:
            self.details.value = "<p>Your team's details are not available.</p>"
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
        self.details.value = (
            f"<p><b>{html.escape(team.name)}</b>, {html.escape(team.organisation)}</p>"
            f"<ul>{members}</ul>{warning_html(warnings)}"
            "<p class='kit-muted'>Your facilitator keeps this list; ask them to add or "
            "change a member.</p>"
        )
